package dev.portolan.sampling;

import dev.portolan.socket.Family;
import dev.portolan.socket.KernelSockstat;
import dev.portolan.socket.Protocol;
import dev.portolan.socket.SocketEntry;
import dev.portolan.socket.SocketState;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Counts per protocol ("tcp", "tcp6", "udp", "udp6", "unix") and state, as {@code ss -s} shows
 * them, plus the kernel's own sockstat counters (which also count sockets of other namespaces'
 * owners and orphans).
 */
public record SocketSummary(
    int total,
    Map<String, Map<SocketState, Integer>> byProtocol,
    Map<SocketState, Integer> tcpByState,
    KernelSockstat kernel) {

  private static final List<String> LABELS = List.of("tcp", "tcp6", "udp", "udp6", "unix");
  private static final SocketState[] STATES = SocketState.values();

  public static SocketSummary of(List<OwnedSocket> sockets, KernelSockstat kernel) {
    // counted in arrays first: a map merge per socket boxed an Integer and built a label String for
    // each one
    Counts counts = new Counts();
    for (OwnedSocket s : sockets) {
      counts.add(s.socket());
    }
    return counts.summary(kernel);
  }

  /**
   * Counts per protocol label and state kept up as sockets come and go (a hub's table of a node),
   * so that a summary costs 5 x 11 cells, not a pass over the sockets. Not thread-safe.
   */
  public static final class Counts {
    private final int[][] cells = new int[LABELS.size()][STATES.length];
    private int total;

    public void add(SocketEntry e) {
      cells[labelIndex(e.proto(), e.family())][e.state().ordinal()]++;
      total++;
    }

    public void remove(SocketEntry e) {
      cells[labelIndex(e.proto(), e.family())][e.state().ordinal()]--;
      total--;
    }

    public void clear() {
      for (int[] row : cells) {
        java.util.Arrays.fill(row, 0);
      }
      total = 0;
    }

    public int total() {
      return total;
    }

    public SocketSummary summary(KernelSockstat kernel) {
      Map<String, Map<SocketState, Integer>> byProto = new LinkedHashMap<>();
      Map<SocketState, Integer> tcp = new EnumMap<>(SocketState.class);
      for (int p = 0; p < LABELS.size(); p++) {
        Map<SocketState, Integer> states = new EnumMap<>(SocketState.class);
        for (int st = 0; st < STATES.length; st++) {
          if (cells[p][st] > 0) {
            states.put(STATES[st], cells[p][st]);
            if (p < 2) {
              tcp.merge(STATES[st], cells[p][st], Integer::sum);
            }
          }
        }
        byProto.put(LABELS.get(p), states);
      }
      return new SocketSummary(total, byProto, tcp, kernel);
    }
  }

  private static int labelIndex(Protocol proto, Family family) {
    return switch (proto) {
      case TCP -> family == Family.IPV6 ? 1 : 0;
      case UDP -> family == Family.IPV6 ? 3 : 2;
      case UNIX -> 4;
    };
  }

  /** "tcp" for TCP over IPv4, "tcp6" over IPv6 (as /proc/net names the files), "unix". */
  public static String label(Protocol proto, Family family) {
    if (proto == Protocol.UNIX) {
      return "unix";
    }
    return proto.wireName() + (family == Family.IPV6 ? "6" : "");
  }
}
