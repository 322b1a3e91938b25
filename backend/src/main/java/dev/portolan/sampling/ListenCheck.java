package dev.portolan.sampling;

import dev.portolan.owner.OwnerStatus;
import dev.portolan.owner.ProcessInfo;
import dev.portolan.socket.Protocol;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * "Is anything listening on tcp/22?" answered in plain words from a snapshot: not listening
 * (clients get "connection refused"), loopback only (local clients only), all interfaces, or
 * specific addresses; with the owners, and what the common errors (refused, address already in use,
 * permission denied) mean here.
 */
public record ListenCheck(
    String node,
    Protocol proto,
    int port,
    String service,
    Verdict verdict,
    String answer,
    List<String> hints,
    List<OwnedSocket> listeners,
    int connections) {

  public enum Verdict {
    NOT_LISTENING("not-listening"),
    LOOPBACK_ONLY("loopback-only"),
    ALL_INTERFACES("all-interfaces"),
    SPECIFIC_ADDRESSES("specific-addresses"),
    /** Listening only inside other network namespaces (pods, containers), on their addresses. */
    NAMESPACE_ADDRESSES(ListenerReach.NAMESPACE_ADDRESSES);

    private final String wireName;

    Verdict(String wireName) {
      this.wireName = wireName;
    }

    public String wireName() {
      return wireName;
    }
  }

  public static ListenCheck of(NodeSnapshot snapshot, Protocol proto, int port, String service) {
    List<OwnedSocket> listeners = new ArrayList<>();
    int connections = 0;
    for (OwnedSocket s : snapshot.byLocalPort(proto, port)) {
      if (s.socket().isListening()) {
        listeners.add(s);
      } else {
        connections++;
      }
    }
    String what = proto.wireName() + "/" + port + (service == null ? "" : " (" + service + ")");
    List<String> hints = new ArrayList<>();
    if (listeners.isEmpty()) {
      hints.add(
          proto == Protocol.TCP
              ? "A client connecting to this port gets \"connection refused\": start the service, or check the port it is configured for."
              : "A UDP client sending here gets an ICMP port unreachable (\"connection refused\" on a connected socket).");
      if (port < 1024) {
        hints.add(
            "Ports below 1024 need root or CAP_NET_BIND_SERVICE: a service that cannot bind fails with \"permission denied\".");
      }
      return new ListenCheck(
          snapshot.node(),
          proto,
          port,
          service,
          Verdict.NOT_LISTENING,
          "Nothing is listening on " + what + " on " + snapshot.node() + ".",
          hints,
          listeners,
          connections);
    }
    // judged inside each listener's namespace: a pod's 0.0.0.0 is the pod's addresses, not the
    // node's
    Set<Exposure> hostExposures = new LinkedHashSet<>();
    Set<String> addresses = new LinkedHashSet<>();
    Set<String> inside = new LinkedHashSet<>();
    boolean namespacedBeyondLoopback = false;
    for (OwnedSocket s : listeners) {
      ListenerReach reach = ListenerReach.of(s.socket().localAddress(), s.namespace());
      if (reach.inHost()) {
        hostExposures.add(reach.exposure());
        addresses.add(s.socket().localAddress());
      } else {
        inside.add(s.socket().localAddress() + ": " + reach.text());
        namespacedBeyondLoopback |= reach.exposure() != Exposure.LOOPBACK_ONLY;
      }
    }
    String alsoInside = inside.isEmpty() ? "" : "; inside namespaces: " + String.join("; ", inside);
    Verdict verdict;
    String where;
    if (hostExposures.contains(Exposure.ALL_INTERFACES)) {
      verdict = Verdict.ALL_INTERFACES;
      where = "on all interfaces (" + String.join(", ", addresses) + ")" + alsoInside;
      hints.add(
          "Other hosts can connect unless a firewall filters the port: if they get a timeout, look at the firewall; if \"connection refused\", at the address they use.");
    } else if (!hostExposures.isEmpty() && !hostExposures.equals(Set.of(Exposure.LOOPBACK_ONLY))) {
      verdict = Verdict.SPECIFIC_ADDRESSES;
      where = "on " + String.join(", ", addresses) + " only" + alsoInside;
      hints.add(
          "Only clients that connect to "
              + String.join(" or ", addresses)
              + " reach it; other addresses of this node refuse the connection.");
    } else if (namespacedBeyondLoopback) {
      verdict = Verdict.NAMESPACE_ADDRESSES;
      where =
          (addresses.isEmpty()
                  ? ""
                  : "on the node's loopback (" + String.join(", ", addresses) + ") and ")
              + "inside other network namespaces only ("
              + String.join("; ", inside)
              + ")";
      hints.add(
          "Clients reach it at the container's or pod's own address (a pod IP, a Service, a published port), not at this node's addresses, which refuse the connection unless something forwards them.");
    } else {
      verdict = Verdict.LOOPBACK_ONLY;
      where =
          "on loopback only ("
              + String.join(", ", addresses.isEmpty() ? List.of() : addresses)
              + ")"
              + alsoInside;
      hints.add(
          inside.isEmpty()
              ? "Local clients can connect; remote clients get \"connection refused\". Bind to 0.0.0.0 or the node's address to serve them."
              : "Only clients on the same loopback can connect: a namespace's loopback is its own, so even this node's other processes get \"connection refused\".");
    }
    hints.add(
        "Starting another server on "
            + what
            + " fails with \"address already in use\" unless both set SO_REUSEPORT.");
    return new ListenCheck(
        snapshot.node(),
        proto,
        port,
        service,
        verdict,
        what + " is listening " + where + ", owned by " + owners(listeners) + ".",
        hints,
        listeners,
        connections);
  }

  static String owners(List<OwnedSocket> listeners) {
    Set<String> names = new LinkedHashSet<>();
    for (OwnedSocket s : listeners) {
      ProcessInfo p = s.owner().process();
      if (p != null) {
        names.add(p.name() + " (pid " + p.pid() + ", user " + p.user() + ")");
      } else if (s.owner().status() == OwnerStatus.PERMISSION_DENIED) {
        names.add(
            "a process whose file descriptors cannot be read (permission denied, even as root)");
      } else if (s.owner().status() == OwnerStatus.GONE) {
        names.add("a process that has exited since");
      } else {
        names.add("an unknown process");
      }
    }
    return String.join(" and ", names);
  }
}
