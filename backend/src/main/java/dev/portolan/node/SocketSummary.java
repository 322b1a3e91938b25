package dev.portolan.node;

import dev.portolan.sampler.Family;
import dev.portolan.sampler.KernelSockstat;
import dev.portolan.sampler.Protocol;
import dev.portolan.sampler.SocketState;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Counts per protocol ("tcp", "tcp6", "udp", "udp6", "unix") and state, as {@code ss -s} shows them, plus the
 * kernel's own sockstat counters (which also count sockets of other namespaces' owners and orphans).
 */
public record SocketSummary(int total, Map<String, Map<SocketState, Integer>> byProtocol,
    Map<SocketState, Integer> tcpByState, KernelSockstat kernel) {

  public static SocketSummary of(List<OwnedSocket> sockets, KernelSockstat kernel) {
    Map<String, Map<SocketState, Integer>> byProto = new LinkedHashMap<>();
    for (String p : List.of("tcp", "tcp6", "udp", "udp6", "unix")) {
      byProto.put(p, new EnumMap<>(SocketState.class));
    }
    Map<SocketState, Integer> tcp = new EnumMap<>(SocketState.class);
    for (OwnedSocket s : sockets) {
      var e = s.socket();
      byProto.get(label(e.proto(), e.family())).merge(e.state(), 1, Integer::sum);
      if (e.proto() == Protocol.TCP) {
        tcp.merge(e.state(), 1, Integer::sum);
      }
    }
    return new SocketSummary(sockets.size(), byProto, tcp, kernel);
  }

  /** "tcp" for TCP over IPv4, "tcp6" over IPv6 (as /proc/net names the files), "unix". */
  public static String label(Protocol proto, Family family) {
    if (proto == Protocol.UNIX) {
      return "unix";
    }
    return proto.wireName() + (family == Family.IPV6 ? "6" : "");
  }
}
