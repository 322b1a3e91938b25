package dev.portolan.sampling;

import dev.portolan.netns.NamespaceLabel;
import dev.portolan.netns.SocketNamespace;

/**
 * How far a listener reaches, judged inside the network namespace it lives in. In the host's
 * namespace (or a row that says no namespace) it is its {@link Exposure} as always. Inside another
 * namespace (a pod, a container, an {@code ip netns}) loopback means that namespace's loopback
 * only, and every other address, the wildcard included, means that namespace's own addresses (a
 * pod's IP, a container's bridge address), never the host's: {@code namespace-addresses}.
 *
 * @param exposure the exposure of the local address, as if it were the host's
 * @param namespace the namespace it lives in when that is not the host's, else null
 */
public record ListenerReach(Exposure exposure, SocketNamespace namespace) {

  /** The wire name of a listener that reaches only its own (non-host) namespace's addresses. */
  public static final String NAMESPACE_ADDRESSES = "namespace-addresses";

  /** The reach of a listener on {@code localAddress} in {@code namespace} (null: the host's). */
  public static ListenerReach of(String localAddress, SocketNamespace namespace) {
    return new ListenerReach(Exposure.of(localAddress), isHost(namespace) ? null : namespace);
  }

  /**
   * Whether a row in {@code namespace} is in the host's namespace: no namespace said, none labelled
   * (a node that does not read other namespaces labels none), or labelled host.
   */
  public static boolean isHost(SocketNamespace namespace) {
    return namespace == null
        || namespace.label() == null
        || namespace.kind() == NamespaceLabel.Kind.HOST;
  }

  /** Whether the listener is in the host's namespace. */
  public boolean inHost() {
    return namespace == null;
  }

  /**
   * {@code all-interfaces}, {@code specific-address} or {@code loopback-only} in the host's
   * namespace; {@code loopback-only} or {@code namespace-addresses} in another one.
   */
  public String wireName() {
    if (inHost() || exposure == Exposure.LOOPBACK_ONLY) {
      return exposure.wireName();
    }
    return NAMESPACE_ADDRESSES;
  }

  /** In words, naming the namespace: "loopback only, inside pod default/web". */
  public String text() {
    if (inHost()) {
      return switch (exposure) {
        case ALL_INTERFACES -> "all interfaces of the node";
        case SPECIFIC_ADDRESS -> "one address of the node";
        case LOOPBACK_ONLY -> "loopback only, on the node";
      };
    }
    String where = namespace.label().text();
    return switch (exposure) {
      case ALL_INTERFACES -> "every address of " + where + ", not the node's";
      case SPECIFIC_ADDRESS -> "one address of " + where + ", not the node's";
      case LOOPBACK_ONLY -> "loopback only, inside " + where;
    };
  }
}
