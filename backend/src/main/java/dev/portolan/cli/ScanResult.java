package dev.portolan.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A scan as {@code GET /api/v1/scans/{id}} answers it, read for the client's outputs: its state,
 * the addresses scanned, and the kept results per address (every port of a scan of at most 1024
 * ports; otherwise every port that is not closed, the closed ones counted).
 */
record ScanResult(
    String id,
    String node,
    String target,
    String ports,
    String proto,
    String preset,
    String status,
    long done,
    long total,
    long startedAt,
    long finishedAt,
    long elapsedMicros,
    String error,
    List<String> addresses,
    List<Port> results) {

  /** One port's result: {@code service} may be null (no well-known name). */
  record Port(
      String address,
      int port,
      String proto,
      String state,
      String reason,
      String service,
      long rttMicros,
      String banner) {}

  static ScanResult fromJson(Map<String, Object> j) {
    List<String> addresses = new ArrayList<>();
    if (j.get("addresses") instanceof List<?> list) {
      list.forEach(a -> addresses.add(String.valueOf(a)));
    }
    List<Port> results = new ArrayList<>();
    if (j.get("results") instanceof List<?> list) {
      for (Object o : list) {
        if (o instanceof Map<?, ?> r) {
          String banner = null;
          if (r.get("banner") instanceof Map<?, ?> b) {
            banner = SocketRow.text(b.get("text"), SocketRow.text(b.get("server"), null));
          }
          results.add(
              new Port(
                  SocketRow.text(r.get("address"), ""),
                  (int) SocketRow.number(r.get("port")),
                  SocketRow.text(r.get("proto"), ""),
                  SocketRow.text(r.get("state"), ""),
                  SocketRow.text(r.get("reason"), null),
                  SocketRow.text(r.get("service"), null),
                  SocketRow.number(r.get("rttMicros")),
                  banner));
        }
      }
    }
    return new ScanResult(
        SocketRow.text(j.get("id"), ""),
        SocketRow.text(j.get("node"), ""),
        SocketRow.text(j.get("target"), ""),
        SocketRow.text(j.get("ports"), ""),
        SocketRow.text(j.get("proto"), "tcp"),
        SocketRow.text(j.get("preset"), ""),
        SocketRow.text(j.get("status"), ""),
        SocketRow.number(j.get("done")),
        SocketRow.number(j.get("total")),
        SocketRow.number(j.get("startedAt")),
        SocketRow.number(j.get("finishedAt")),
        SocketRow.number(j.get("elapsedMicros")),
        SocketRow.text(j.get("error"), null),
        addresses,
        results);
  }

  boolean finished() {
    return !status.equals("running");
  }

  boolean completed() {
    return status.equals("completed");
  }

  /** The kept results of each address, in the order of the addresses scanned. */
  Map<String, List<Port>> byAddress() {
    Map<String, List<Port>> out = new LinkedHashMap<>();
    for (String a : addresses) {
      out.put(a, new ArrayList<>());
    }
    for (Port p : results) {
      out.computeIfAbsent(p.address(), a -> new ArrayList<>()).add(p);
    }
    return out;
  }

  /** Ports of {@code address} scanned but not kept (closed), when the scan completed. */
  long notKept(String address) {
    if (!completed() || addresses.isEmpty()) {
      return 0;
    }
    long perAddress = total / addresses.size();
    long kept = results.stream().filter(p -> p.address().equals(address)).count();
    return Math.max(0, perAddress - kept);
  }
}
