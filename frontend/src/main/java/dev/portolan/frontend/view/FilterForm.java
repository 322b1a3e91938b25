package dev.portolan.frontend.view;

import java.util.List;

/**
 * The connections filter form as submitted: every value is the raw text (empty when not given);
 * {@code node} is the node chosen (empty: all nodes) out of {@code nodes}; {@code netns} the
 * network namespace chosen (an inode; empty: all) out of {@code namespaces} (the chosen node's, or
 * the only node's; empty when several nodes are shown: inodes are a node's own).
 */
public record FilterForm(
    String proto,
    String state,
    String port,
    String pid,
    boolean listening,
    String q,
    String node,
    List<String> nodes,
    String netns,
    List<NamespaceChoice> namespaces) {
  /** The proto choices of {@code /api/v1/sockets}. */
  public static final List<String> PROTOCOLS =
      List.of("tcp", "udp", "unix", "tcp4", "tcp6", "udp4", "udp6", "inet", "inet6");

  /** The state choices of {@code /api/v1/sockets}. */
  public static final List<String> STATES =
      List.of(
          "listen",
          "established",
          "syn-sent",
          "syn-recv",
          "fin-wait-1",
          "fin-wait-2",
          "time-wait",
          "closed",
          "close-wait",
          "last-ack",
          "closing",
          "connected");

  public List<String> protocols() {
    return PROTOCOLS;
  }

  public List<String> states() {
    return STATES;
  }
}
