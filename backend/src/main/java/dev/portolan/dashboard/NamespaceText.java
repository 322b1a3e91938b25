package dev.portolan.dashboard;

import dev.portolan.bus.ListedSocket;
import dev.portolan.netns.NamespaceLabel;
import dev.portolan.netns.SocketNamespace;
import dev.portolan.sampling.ListenerReach;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A network namespace in words for the pages: its kind, a short name ("pod default/web-7d9",
 * "container web", "netns blue", "host") and its ids ("uid 1f0c2a9b… · inode 4026532301"). The
 * names come from cgroups and runtime files: the templates escape them like any other text.
 */
final class NamespaceText {
  private static final int SHORT_ID = 12;

  private NamespaceText() {}

  /**
   * The short name of a row's namespace: "host" for the host's (or one a node that reads no other
   * namespaces does not label), else {@link #name}.
   */
  static String shortLabel(SocketNamespace ns) {
    return ListenerReach.isHost(ns) ? "host" : name(ns);
  }

  /** {@code host}, {@code named}, {@code container}, {@code pod} or {@code unknown}. */
  static String kind(SocketNamespace ns) {
    return ns == null || ns.kind() == null ? "unknown" : ns.kind().wireName();
  }

  /**
   * The short name: "host" for the host's (or a row that says none), "pod NS/NAME", "container
   * NAME" (its short id when unnamed), "netns NAME", "netns INODE" when nothing else is known.
   */
  static String name(SocketNamespace ns) {
    if (ns == null) {
      return "host";
    }
    NamespaceLabel l = ns.label();
    if (l == null) {
      return "netns " + ns.inode();
    }
    return switch (l.kind()) {
      case HOST -> "host";
      case POD ->
          "pod "
              + (l.podNamespace() == null ? "" : l.podNamespace() + "/")
              + (l.podName() != null ? l.podName() : shortId(l.podUid()));
      case CONTAINER ->
          "container " + (l.containerName() != null ? l.containerName() : shortId(l.containerId()));
      case NAMED -> "netns " + l.netnsName();
      case UNKNOWN -> "netns " + ns.inode();
    };
  }

  /**
   * Its ids after the name: a pod's uid and container, a container's id and runtime, an {@code ip
   * netns} name it also has, and always the inode ("uid 1f0c2a9b-… · inode 4026532301").
   */
  static String detail(SocketNamespace ns) {
    if (ns == null) {
      return "";
    }
    List<String> parts = new ArrayList<>();
    NamespaceLabel l = ns.label();
    if (l != null) {
      if (l.podUid() != null) {
        parts.add("uid " + shortId(l.podUid()) + (l.podUid().length() > SHORT_ID ? "…" : ""));
      }
      if (l.kind() == NamespaceLabel.Kind.POD && l.containerName() != null) {
        parts.add("container " + l.containerName());
      }
      if (l.containerId() != null) {
        parts.add(
            "id " + shortId(l.containerId()) + (l.containerId().length() > SHORT_ID ? "…" : ""));
      }
      if (l.runtime() != null) {
        parts.add(l.runtime().wireName());
      }
      if (l.netnsName() != null && l.kind() != NamespaceLabel.Kind.NAMED) {
        parts.add("ip netns " + l.netnsName());
      }
      if (l.kind() == NamespaceLabel.Kind.UNKNOWN) {
        parts.add("unnamed");
      }
    }
    parts.add("inode " + ns.inode());
    return String.join(" · ", parts);
  }

  /**
   * Where {@code sockets} live, each namespace with its count, in order of first appearance: "host
   * (3), netns blue (1)"; "none" for no sockets.
   */
  static String counted(List<ListedSocket> sockets) {
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (ListedSocket s : sockets) {
      counts.merge(shortLabel(s.socket().namespace()), 1, Integer::sum);
    }
    if (counts.isEmpty()) {
      return "none";
    }
    List<String> parts = new ArrayList<>();
    counts.forEach((name, n) -> parts.add(name + " (" + n + ")"));
    return String.join(", ", parts);
  }

  private static String shortId(String id) {
    return id == null ? "?" : id.length() > SHORT_ID ? id.substring(0, SHORT_ID) : id;
  }
}
