package dev.portolan.dashboard;

import dev.portolan.bus.ListedSocket;
import dev.portolan.bus.NodeEntry;
import dev.portolan.frontend.view.NodeRow;
import dev.portolan.frontend.view.PortCell;
import dev.portolan.frontend.view.PortRange;
import dev.portolan.owner.Owner;
import dev.portolan.owner.OwnerStatus;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Turns a node's entry (as {@code FleetApi.nodes} returns it) and its listening TCP/UDP sockets
 * into its port map: one cell per (proto, port), merging the addresses it listens on (the widest
 * exposure wins), grouped into well-known, registered and ephemeral ranges; a node that is down is
 * marked, its sockets as last seen.
 */
final class PortMapBuilder {
  private PortMapBuilder() {}

  static NodeRow build(NodeEntry node, List<ListedSocket> listeners, long now) {
    String name = node.name() == null ? "?" : node.name();
    Map<String, CellBuilder> cells = new TreeMap<>();
    for (ListedSocket s : listeners) {
      String proto = s.entry().proto().wireName();
      if (!"tcp".equals(proto) && !"udp".equals(proto)) {
        continue;
      }
      int port = s.entry().localPort();
      String key = String.format("%05d/%s", port, proto);
      cells.computeIfAbsent(key, k -> new CellBuilder(name, proto, port, s.service())).add(s);
    }
    List<PortCell> wellKnown = new ArrayList<>();
    List<PortCell> registered = new ArrayList<>();
    List<PortCell> ephemeral = new ArrayList<>();
    for (CellBuilder b : cells.values()) {
      PortCell cell = b.build();
      (cell.port() < 1024 ? wellKnown : cell.port() < 49152 ? registered : ephemeral).add(cell);
    }
    List<PortRange> ranges =
        List.of(
            new PortRange("Well-known", "0–1023", wellKnown),
            new PortRange("Registered", "1024–49151", registered),
            new PortRange("Ephemeral", "49152+", ephemeral));
    String status = NodeRows.status(node);
    return new NodeRow(
        name,
        NodeRows.href(name),
        status,
        statusNote(node, status, now),
        describe(node, now),
        cells.size(),
        ranges);
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
    return "p-" + node.replaceAll("[^A-Za-z0-9_-]", "_") + "-" + proto + "-" + port;
  }

  /** Collects the sockets listening on one (proto, port). */
  private static final class CellBuilder {
    final String node;
    final String proto;
    final int port;
    final String service;
    final Set<String> addresses = new LinkedHashSet<>();
    final Set<String> owners = new LinkedHashSet<>();
    int exposureRank = -1;

    CellBuilder(String node, String proto, int port, String service) {
      this.node = node;
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
      exposureRank = Math.max(exposureRank, rank(SocketRows.exposure(s)));
    }

    PortCell build() {
      String exposure =
          switch (exposureRank) {
            case 2 -> "all-interfaces";
            case 1 -> "specific-address";
            default -> "loopback-only";
          };
      return new PortCell(
          cellId(node, proto, port),
          proto,
          port,
          service,
          String.join(", ", owners),
          exposure,
          String.join(", ", addresses),
          "/ports/" + proto + "/" + port + "?node=" + Links.segment(node));
    }

    private static int rank(String exposure) {
      return switch (exposure == null ? "" : exposure) {
        case "all-interfaces" -> 2;
        case "specific-address" -> 1;
        default -> 0;
      };
    }
  }
}
