package dev.portolan.bus;

import dev.portolan.sampling.NodeSnapshot;
import dev.portolan.sampling.SocketSummary;
import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * This node's description for {@code /api/v1/nodes}: name, addresses, kernel, uptime, reader, last
 * sample.
 */
public final class NodeInfo {
  private final String name;
  private final String reader;
  private final long startedAtMillis = System.currentTimeMillis();
  private final long intervalMillis;

  public NodeInfo(String name, String reader, long intervalMillis) {
    this.name = name;
    this.reader = reader;
    this.intervalMillis = intervalMillis;
  }

  public String name() {
    return name;
  }

  /** This node as {@link Addresses#NODE_INFO} answers, at {@code snapshot}. */
  public NodeInfoReply reply(NodeSnapshot snapshot) {
    SocketSummary summary = snapshot.summary();
    Map<String, Integer> counts = new LinkedHashMap<>();
    counts.put("total", summary.total());
    summary
        .byProtocol()
        .forEach(
            (proto, states) ->
                counts.put(proto, states.values().stream().mapToInt(Integer::intValue).sum()));
    return new NodeInfoReply(
        name,
        "up",
        addresses(),
        readFirstLine(Path.of("/proc/sys/kernel/osrelease")),
        uptimeSeconds(),
        startedAtMillis,
        reader,
        intervalMillis,
        snapshot.takenAtMillis(),
        snapshot.sampleNanos() / 1_000_000.0,
        snapshot.seq(),
        counts);
  }

  /**
   * This host's interface addresses, without zone ids, IPv6 compressed as RFC 5952 says ({@code
   * fd00::2}, as every socket address is written), not as {@link InetAddress#getHostAddress()}
   * does.
   */
  public static List<String> addresses() {
    List<String> out = new ArrayList<>();
    try {
      for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        for (InetAddress a : Collections.list(nif.getInetAddresses())) {
          out.add(dev.portolan.socket.AddressText.of(a.getAddress()));
        }
      }
    } catch (SocketException e) {
      // no interfaces to list
    }
    return out;
  }

  /** The kernel release, as uname -r gives it (null when unreadable). */
  public static String kernel() {
    return readFirstLine(Path.of("/proc/sys/kernel/osrelease"));
  }

  private static Long uptimeSeconds() {
    String line = readFirstLine(Path.of("/proc/uptime"));
    if (line == null) {
      return null;
    }
    int dot = line.indexOf('.');
    try {
      return Long.parseLong(line.substring(0, dot > 0 ? dot : line.indexOf(' ')));
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static String readFirstLine(Path p) {
    try {
      String s = Files.readString(p).strip();
      int nl = s.indexOf('\n');
      return nl >= 0 ? s.substring(0, nl) : s;
    } catch (IOException e) {
      return null;
    }
  }
}
