package dev.portolan.cli;

import dev.portolan.text.PortHolder;
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
}
