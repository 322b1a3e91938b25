package dev.portolan.scan;

import dev.portolan.socket.AddressText;
import dev.portolan.socket.Protocol;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A node's inside view (its listeners, from the socket table) next to its outside view (what a scan
 * of its addresses reached), port by port: listening and reachable; listening but not reachable
 * (bound to loopback or another address, or filtered); reachable but unexplained (open, yet no
 * listener in the table: a port forward, a proxy in another network namespace, a listener that came
 * after the sample). Ports the scan did not cover are listed apart, never guessed.
 */
public record ExposureMap(
    String node,
    List<InetAddress> scanned,
    List<Port> listeningReachable,
    List<Port> listeningNotReachable,
    List<Port> reachableUnexplained,
    List<Port> notScanned) {

  /**
   * One listening socket of the node, as the socket table shows it. {@code owner}: a label, or
   * null.
   */
  public record Listener(Protocol proto, int port, String localAddress, String owner) {}

  /** One port in one category, with the listener addresses, the owner and the reason in words. */
  public record Port(Protocol proto, int port, List<String> boundTo, String owner, String why) {}

  public static ExposureMap of(String node, List<Listener> listeners, ScanRecord.Snapshot scan) {
    Map<Integer, List<Listener>> byPort = new TreeMap<>();
    for (Listener l : listeners) {
      if (l.proto() == scan.proto()) {
        byPort.computeIfAbsent(l.port(), p -> new ArrayList<>()).add(l);
      }
    }
    Map<Integer, Map<InetAddress, PortResult>> results = new HashMap<>();
    for (PortResult r : scan.results()) {
      results.computeIfAbsent(r.port(), p -> new LinkedHashMap<>()).put(r.address(), r);
    }
    PortList scannedPorts = PortList.parse(scan.ports(), scan.proto());
    List<Port> reachable = new ArrayList<>();
    List<Port> notReachable = new ArrayList<>();
    List<Port> unexplained = new ArrayList<>();
    List<Port> notScanned = new ArrayList<>();
    for (Map.Entry<Integer, List<Listener>> e : byPort.entrySet()) {
      int port = e.getKey();
      List<String> bound = e.getValue().stream().map(Listener::localAddress).distinct().toList();
      String owner =
          e.getValue().stream()
              .map(Listener::owner)
              .filter(o -> o != null && !o.isBlank())
              .findFirst()
              .orElse(null);
      if (!scannedPorts.contains(port)) {
        notScanned.add(
            new Port(
                scan.proto(),
                port,
                bound,
                owner,
                "not in the scanned ports (" + scan.ports() + ")"));
        continue;
      }
      List<String> openOn = openOn(results.get(port));
      if (!openOn.isEmpty()) {
        reachable.add(
            new Port(scan.proto(), port, bound, owner, "answers on " + String.join(", ", openOn)));
      } else {
        notReachable.add(
            new Port(
                scan.proto(), port, bound, owner, whyNotReachable(bound, results.get(port), scan)));
      }
    }
    for (Map.Entry<Integer, Map<InetAddress, PortResult>> e : new TreeMap<>(results).entrySet()) {
      if (!byPort.containsKey(e.getKey())) {
        List<String> openOn = openOn(e.getValue());
        if (!openOn.isEmpty()) {
          unexplained.add(
              new Port(
                  scan.proto(),
                  e.getKey(),
                  List.of(),
                  null,
                  "answers on "
                      + String.join(", ", openOn)
                      + " but no socket of this node listens there: a port forward (DNAT), a proxy in another network"
                      + " namespace (a container), or a listener newer than the sample"));
        }
      }
    }
    return new ExposureMap(
        scan.node(), scan.addresses(), reachable, notReachable, unexplained, notScanned);
  }

  private static List<String> openOn(Map<InetAddress, PortResult> results) {
    if (results == null) {
      return List.of();
    }
    return results.values().stream()
        .filter(r -> r.state() == PortState.OPEN)
        .map(r -> AddressText.of(r.address().getAddress()))
        .toList();
  }

  private static String whyNotReachable(
      List<String> bound, Map<InetAddress, PortResult> results, ScanRecord.Snapshot scan) {
    boolean allLoopback = bound.stream().allMatch(ExposureMap::isLoopback);
    if (allLoopback) {
      return "bound to loopback only ("
          + String.join(", ", bound)
          + "): other hosts get \"connection refused\"";
    }
    boolean anyWildcard =
        bound.stream().anyMatch(a -> a.equals("0.0.0.0") || a.equals("::") || a.equals("*"));
    if (!anyWildcard) {
      boolean boundScanned =
          scan.addresses().stream().anyMatch(a -> bound.contains(AddressText.of(a.getAddress())));
      if (!boundScanned) {
        return "bound to " + String.join(", ", bound) + " only, which the scan did not cover";
      }
    }
    boolean filtered =
        results != null
            && results.values().stream()
                .anyMatch(
                    r -> r.state() == PortState.FILTERED || r.state() == PortState.OPEN_FILTERED);
    return filtered
        ? "listening, but the scan got no answer: a firewall drops the packets"
        : "listening, but the scan was refused: a firewall rejects it, or the listener closed after the sample";
  }

  private static boolean isLoopback(String address) {
    return address.startsWith("127.") || address.equals("::1") || address.startsWith("::ffff:127.");
  }
}
