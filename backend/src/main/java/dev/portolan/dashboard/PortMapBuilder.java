package dev.portolan.dashboard;

import dev.portolan.bus.ListedSocket;
import dev.portolan.bus.NodeEntry;
import dev.portolan.frontend.view.NamespaceMap;
import dev.portolan.frontend.view.NodeRow;
import dev.portolan.frontend.view.PortCell;
import dev.portolan.frontend.view.PortRange;
import dev.portolan.netns.NamespaceLabel;
import dev.portolan.netns.SocketNamespace;
import dev.portolan.owner.Owner;
import dev.portolan.owner.OwnerStatus;
import dev.portolan.sampling.Exposure;
import dev.portolan.sampling.ListenerReach;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Turns a node's entry (as {@code FleetApi.nodes} returns it) and its listening TCP/UDP sockets
 * into its port map: one cell per (proto, port) and network namespace, merging the addresses it
 * listens on (the widest exposure wins), grouped into well-known, registered and ephemeral ranges;
 * the host's namespace first, as it always looked, then one group per pod, container or other
 * namespace, its exposure judged inside it ({@link ListenerReach}); a node that is down is marked,
 * its sockets as last seen.
 */
final class PortMapBuilder {
  private PortMapBuilder() {}

  static NodeRow build(NodeEntry node, List<ListedSocket> listeners, long now) {
    String name = node.name() == null ? "?" : node.name();
    List<ListedSocket> host = new ArrayList<>();
    Map<Long, List<ListedSocket>> others = new HashMap<>();
    Map<Long, SocketNamespace> spaces = new HashMap<>();
    for (ListedSocket s : listeners) {
      SocketNamespace ns = s.socket().namespace();
      if (ListenerReach.isHost(ns)) {
        host.add(s);
      } else {
        others.computeIfAbsent(ns.inode(), k -> new ArrayList<>()).add(s);
        spaces.putIfAbsent(ns.inode(), ns);
      }
    }
    Map<String, String> published = published(host);
    Cells hostCells = Cells.of(name, null, host, published);
    List<NamespaceMap> groups = new ArrayList<>();
    int total = hostCells.count;
    for (SocketNamespace ns : ordered(spaces.values())) {
      Cells cells = Cells.of(name, ns, others.get(ns.inode()), published);
      if (cells.count == 0) {
        continue;
      }
      total += cells.count;
      groups.add(
          new NamespaceMap(
              "ns-" + safe(name) + "-" + ns.inode(),
              NamespaceText.kind(ns),
              NamespaceText.name(ns),
              NamespaceText.detail(ns),
              "exposure judged inside it: its loopback is its own, its other addresses are not"
                  + " the node's",
              cells.count,
              cells.ranges.stream().filter(r -> !r.cells().isEmpty()).toList()));
    }
    String status = NodeRows.status(node);
    return new NodeRow(
        name,
        NodeRows.href(name),
        status,
        statusNote(node, status, now),
        describe(node, now),
        total,
        listeners.size(),
        hostCells.ranges,
        groups);
  }

  /**
   * Where docker-proxy listeners forward, by the container side's cell ({@link #publishedKey}), so
   * the container's cell says it is published too.
   */
  private static Map<String, String> published(List<ListedSocket> host) {
    Map<String, String> out = new HashMap<>();
    for (ListedSocket s : host) {
      var f = s.socket().forwardsTo();
      if (f != null && f.netns() != 0) {
        out.merge(
            publishedKey(f.netns(), s.entry().proto().wireName(), f.port()),
            PortPage.forwardText(s),
            (a, b) -> a + "; " + b);
      }
    }
    return out;
  }

  private static String publishedKey(long netns, String proto, int port) {
    return netns + "/" + proto + "/" + port;
  }

  /** Pods, then containers, named and unknown namespaces; by name within a kind, then inode. */
  private static List<SocketNamespace> ordered(Collection<SocketNamespace> spaces) {
    List<SocketNamespace> out = new ArrayList<>(spaces);
    out.sort(
        Comparator.comparingInt((SocketNamespace ns) -> kindOrder(ns.kind()))
            .thenComparing(NamespaceText::name)
            .thenComparingLong(SocketNamespace::inode));
    return out;
  }

  private static int kindOrder(NamespaceLabel.Kind kind) {
    return switch (kind) {
      case POD -> 0;
      case CONTAINER -> 1;
      case NAMED -> 2;
      case HOST -> 3;
      case UNKNOWN -> 4;
    };
  }

  /** One namespace's cells, by range. */
  private record Cells(int count, List<PortRange> ranges) {
    static Cells of(
        String node,
        SocketNamespace ns,
        List<ListedSocket> listeners,
        Map<String, String> published) {
      Map<String, CellBuilder> cells = new TreeMap<>();
      for (ListedSocket s : listeners) {
        String proto = s.entry().proto().wireName();
        if (!"tcp".equals(proto) && !"udp".equals(proto)) {
          continue;
        }
        int port = s.entry().localPort();
        String key = String.format("%05d/%s", port, proto);
        cells.computeIfAbsent(key, k -> new CellBuilder(node, ns, proto, port, s.service())).add(s);
      }
      List<PortCell> wellKnown = new ArrayList<>();
      List<PortCell> registered = new ArrayList<>();
      List<PortCell> ephemeral = new ArrayList<>();
      for (CellBuilder b : cells.values()) {
        if (ns != null) {
          String text = published.get(publishedKey(ns.inode(), b.proto, b.port));
          if (text != null) {
            b.forwards.add(text);
          }
        }
        PortCell cell = b.build();
        (cell.port() < 1024 ? wellKnown : cell.port() < 49152 ? registered : ephemeral).add(cell);
      }
      return new Cells(
          cells.size(),
          List.of(
              new PortRange("Well-known", "0–1023", wellKnown),
              new PortRange("Registered", "1024–49151", registered),
              new PortRange("Ephemeral", "49152+", ephemeral)));
    }
  }

  /**
   * Null for a node that is up; "last seen ..." when down; "stale since ..." when its samples
   * stopped.
   */
  static String statusNote(NodeEntry node, String status, long now) {
    return switch (status) {
      case "down" -> "down · last seen " + Clock.when(node.lastSeen(), now);
      case "stale" -> "stale since " + Clock.when(node.statusSince(), now);
      case "resyncing" -> "resyncing · its table is on its way";
      default -> node.resyncing() ? "catching up" : null;
    };
  }

  private static String describe(NodeEntry node, long now) {
    String sampled =
        node.live()
            ? "sampled " + Clock.ago(node.lastSampleAt(), now)
            : "as last seen " + Clock.when(node.lastSeen(), now);
    return node.role("unknown role")
        + " · kernel "
        + (node.facts() == null ? "?" : node.facts().kernel())
        + " · "
        + node.total()
        + " sockets · "
        + sampled;
  }

  /**
   * An id for a cell that is unique on a page with several nodes (node names are letters, digits,
   * '.', '-', '_').
   */
  static String cellId(String node, String proto, int port) {
    return "p-" + safe(node) + "-" + proto + "-" + port;
  }

  /**
   * A cell's id in a namespace other than the host's: its inode after the node
   * ("p-web1-n4026532301-tcp-80").
   */
  static String cellId(String node, SocketNamespace ns, String proto, int port) {
    return ns == null
        ? cellId(node, proto, port)
        : "p-" + safe(node) + "-n" + ns.inode() + "-" + proto + "-" + port;
  }

  private static String safe(String node) {
    return node.replaceAll("[^A-Za-z0-9_-]", "_");
  }

  /** Collects the sockets listening on one (proto, port). */
  private static final class CellBuilder {
    final String node;
    final SocketNamespace namespace;
    final String proto;
    final int port;
    final String service;
    final Set<String> addresses = new LinkedHashSet<>();
    final Set<String> owners = new LinkedHashSet<>();
    final Set<String> forwards = new LinkedHashSet<>();
    Exposure widest;

    CellBuilder(String node, SocketNamespace namespace, String proto, int port, String service) {
      this.node = node;
      this.namespace = namespace;
      this.proto = proto;
      this.port = port;
      this.service = service;
    }

    void add(ListedSocket s) {
      addresses.add(s.entry().localAddress());
      Owner owner = s.owner();
      owners.add(
          owner.status() == OwnerStatus.PROCESS
              ? owner.process().name()
              : owner.status() == OwnerStatus.PERMISSION_DENIED
                  ? "owner hidden"
                  : owner.status().wireName());
      String forward = PortPage.forwardText(s);
      if (forward != null) {
        forwards.add(forward);
      }
      Exposure e = Exposure.of(s.entry().localAddress());
      if (widest == null || rank(e) > rank(widest)) {
        widest = e;
      }
    }

    PortCell build() {
      ListenerReach reach = new ListenerReach(widest, namespace);
      return new PortCell(
          cellId(node, namespace, proto, port),
          proto,
          port,
          service,
          String.join(", ", owners),
          reach.wireName(),
          reach.text(),
          String.join(", ", addresses),
          "/ports/" + proto + "/" + port + "?node=" + Links.segment(node),
          forwards.isEmpty() ? null : String.join("; ", forwards));
    }

    private static int rank(Exposure exposure) {
      return switch (exposure) {
        case ALL_INTERFACES -> 2;
        case SPECIFIC_ADDRESS -> 1;
        case LOOPBACK_ONLY -> 0;
      };
    }
  }
}
