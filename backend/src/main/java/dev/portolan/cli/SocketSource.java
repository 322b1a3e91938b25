package dev.portolan.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where the client's answers come from: a node's API ({@link ServerSource}) or this host read
 * in-process ({@link EmbeddedSource}). Both answer in the API's JSON shapes.
 */
interface SocketSource {

  /** Where the answers come from, for messages. */
  String where();

  /**
   * The sockets that the API's filters {@code parameters} select (every page of them). A source may
   * return more than asked for: the caller applies its whole filter again.
   */
  List<SocketRow> sockets(Map<String, String> parameters);

  /**
   * Who holds local port {@code port} of {@code proto} (tcp or udp): one entry per node and holder
   * (a process, the kernel's TIME-WAIT sockets, an unknown owner), with its count of sockets.
   */
  List<PortHolder> portHolders(String proto, int port, String node);

  /** The process {@code pid} ({@code process}: its facts) and its sockets. */
  ProcessSockets process(int pid, String node);

  /** Counts per protocol and state (the API's summary shape), of a node or the fleet. */
  Map<String, Object> summary(String node);

  /** The nodes (the API's {@code /api/v1/nodes} shape). */
  Map<String, Object> nodes(String node);

  record ProcessSockets(String node, Map<String, Object> process, List<SocketRow> sockets) {}

  /**
   * One holder of sockets on a port on one node: its owner (without an fd), how many of its sockets
   * are on the port, and whether one of them listens (a TCP listener, an unconnected UDP socket).
   */
  record PortHolder(
      String node, String proto, SocketRow.ProcessOwner owner, int sockets, boolean listening) {

    /**
     * {@code rows} (sockets on one port of {@code proto}) grouped by node and holder, in order of
     * first appearance. Keyed by text, not by records: a record's equals and hashCode are linked at
     * run time (invokedynamic), which costs a short-lived client tens of milliseconds.
     */
    static List<PortHolder> group(String proto, List<SocketRow> rows) {
      Map<String, PortHolder> groups = new LinkedHashMap<>();
      for (SocketRow r : rows) {
        SocketRow.ProcessOwner o = r.owner();
        SocketRow.ProcessOwner owner =
            o.isProcess()
                ? new SocketRow.ProcessOwner(
                    o.status(), o.pid(), o.process(), o.user(), o.cmdline())
                : new SocketRow.ProcessOwner(o.status(), 0, null, null, null);
        String key = r.node() + '\0' + (o.isProcess() ? "pid " + o.pid() : o.status());
        PortHolder seen = groups.get(key);
        groups.put(
            key,
            seen == null
                ? new PortHolder(r.node(), proto, owner, 1, r.listening())
                : seen.plus(1, r.listening()));
      }
      return new ArrayList<>(groups.values());
    }

    /** This holder with {@code more} sockets, listening when either is. */
    PortHolder plus(int more, boolean alsoListening) {
      return new PortHolder(node, proto, owner, sockets + more, listening || alsoListening);
    }
  }
}
