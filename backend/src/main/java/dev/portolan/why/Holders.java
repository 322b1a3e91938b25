package dev.portolan.why;

import dev.portolan.owner.OwnerStatus;
import dev.portolan.owner.ProcessInfo;
import dev.portolan.sampling.OwnedSocket;
import dev.portolan.socket.SocketEntry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Sockets grouped by the process that holds them (kernel-held sockets, such as TIME-WAIT, in a
 * group of their own), each group one piece of evidence.
 */
final class Holders {
  private Holders() {}

  /** Whether this row belongs to the node's own network namespace (the one a bind goes to). */
  static boolean ownNamespace(OwnedSocket s) {
    return s.socket().netnsInode() == 0
        || (s.namespace() != null
            && s.namespace().kind() == dev.portolan.netns.NamespaceLabel.Kind.HOST);
  }

  static String namespaceText(OwnedSocket s) {
    if (s.namespace() == null || s.namespace().label() == null) {
      return s.socket().netnsInode() == 0 ? null : "netns " + s.socket().netnsInode();
    }
    return s.namespace().kind() == dev.portolan.netns.NamespaceLabel.Kind.HOST
        ? null
        : s.namespace().label().text();
  }

  /** "nginx (pid 12, user root)", "the kernel", ... */
  static String text(OwnedSocket s) {
    ProcessInfo p = s.owner().process();
    if (p != null) {
      return p.name() + " (pid " + p.pid() + ", user " + p.user() + ")";
    }
    return switch (s.owner().status()) {
      case KERNEL -> "the kernel (no process)";
      case PERMISSION_DENIED -> "a process whose file descriptors cannot be read";
      case GONE -> "a process that has exited or closed it since";
      default -> "an unknown process";
    };
  }

  /** "nginx (pid 12, user root) and sshd (pid 40, user root)". */
  static String texts(List<OwnedSocket> sockets) {
    Set<String> names = new LinkedHashSet<>();
    for (OwnedSocket s : sockets) {
      names.add(text(s));
    }
    return String.join(" and ", names);
  }

  /**
   * One evidence row per holder and state (and namespace), in the order first seen; {@code role}
   * for every row.
   */
  static List<WhyAnswer.Evidence> evidence(String role, List<OwnedSocket> sockets) {
    record Key(int pid, String state, String namespace, boolean kernel) {}
    Map<Key, List<OwnedSocket>> groups = new LinkedHashMap<>();
    for (OwnedSocket s : sockets) {
      ProcessInfo p = s.owner().process();
      groups
          .computeIfAbsent(
              new Key(
                  p == null ? 0 : p.pid(),
                  s.socket().state().ssName(),
                  namespaceText(s),
                  s.owner().status() == OwnerStatus.KERNEL),
              k -> new ArrayList<>())
          .add(s);
    }
    List<WhyAnswer.Evidence> out = new ArrayList<>();
    for (var g : groups.entrySet()) {
      OwnedSocket first = g.getValue().getFirst();
      ProcessInfo p = first.owner().process();
      SocketEntry e = first.socket();
      boolean one = g.getValue().size() == 1;
      out.add(
          new WhyAnswer.Evidence(
              role,
              p == null ? 0 : p.pid(),
              p == null ? null : p.name(),
              p == null ? null : p.user(),
              AddressMatch.endpoint(e.localAddress(), e.localPort()),
              one && e.remotePort() != 0
                  ? AddressMatch.endpoint(e.remoteAddress(), e.remotePort())
                  : null,
              e.state().ssName(),
              g.getKey().namespace(),
              g.getValue().size()));
    }
    return out;
  }
}
