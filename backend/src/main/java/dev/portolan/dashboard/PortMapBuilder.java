package dev.portolan.dashboard;

import dev.portolan.frontend.view.NodeRow;
import dev.portolan.frontend.view.PortCell;
import dev.portolan.frontend.view.PortRange;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Turns a node's entry (as {@code FleetApi.nodes} returns it) and its listening TCP/UDP sockets into its port map:
 * one cell per (proto, port), merging the addresses it listens on (the widest exposure wins), grouped into
 * well-known, registered and ephemeral ranges; a node that is down is marked, its sockets as last seen.
 */
final class PortMapBuilder {
  private PortMapBuilder() {
  }

  static NodeRow build(JsonObject node, JsonObject listeners, long now) {
    String name = node.getString("name", "?");
    Map<String, CellBuilder> cells = new TreeMap<>();
    JsonArray sockets = listeners.getJsonArray("sockets", new JsonArray());
    for (int i = 0; i < sockets.size(); i++) {
      JsonObject s = sockets.getJsonObject(i);
      String proto = s.getString("proto");
      if (!"tcp".equals(proto) && !"udp".equals(proto)) {
        continue;
      }
      int port = s.getInteger("localPort", 0);
      String key = String.format("%05d/%s", port, proto);
      cells.computeIfAbsent(key, k -> new CellBuilder(name, proto, port, s.getString("service"))).add(s);
    }
    List<PortCell> wellKnown = new ArrayList<>();
    List<PortCell> registered = new ArrayList<>();
    List<PortCell> ephemeral = new ArrayList<>();
    for (CellBuilder b : cells.values()) {
      PortCell cell = b.build();
      (cell.port() < 1024 ? wellKnown : cell.port() < 49152 ? registered : ephemeral).add(cell);
    }
    List<PortRange> ranges = List.of(new PortRange("Well-known", "0–1023", wellKnown),
        new PortRange("Registered", "1024–49151", registered), new PortRange("Ephemeral", "49152+", ephemeral));
    String status = node.getString("status", "down");
    return new NodeRow(name, NodeTable.href(name), status, statusNote(node, status, now), describe(node, now),
        cells.size(), ranges);
  }

  /** Null for a node that is up; "last seen ..." when down; "stale since ..." when its samples stopped. */
  static String statusNote(JsonObject node, String status, long now) {
    return switch (status) {
      case "down" -> "down · last seen " + Clock.when(NodeTable.lastSeen(node), now);
      case "stale" -> "stale since " + Clock.when(node.getLong("statusSince", 0L), now);
      case "resyncing" -> "resyncing · its table is on its way";
      default -> node.getBoolean("resyncing", false) ? "catching up" : null;
    };
  }

  private static String describe(JsonObject node, long now) {
    JsonObject counts = node.getJsonObject("sockets", new JsonObject());
    String sampled = node.getBoolean("live", false)
        ? "sampled " + Clock.ago(node.getLong("lastSampleAt", 0L), now)
        : "as last seen " + Clock.when(NodeTable.lastSeen(node), now);
    return node.getString("role", "unknown role") + " · kernel " + node.getString("kernel", "?") + " · "
        + counts.getInteger("total", 0) + " sockets · " + sampled;
  }

  /** An id for a cell that is unique on a page with several nodes (node names are letters, digits, '.', '-', '_'). */
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

    void add(JsonObject s) {
      addresses.add(s.getString("localAddress", "?"));
      JsonObject owner = s.getJsonObject("owner", new JsonObject());
      owners.add("process".equals(owner.getString("status")) ? owner.getString("process", "?")
          : "permission-denied".equals(owner.getString("status")) ? "owner hidden" : owner.getString("status", "?"));
      exposureRank = Math.max(exposureRank, rank(s.getString("exposure")));
    }

    PortCell build() {
      String exposure = switch (exposureRank) {
        case 2 -> "all-interfaces";
        case 1 -> "specific-address";
        default -> "loopback-only";
      };
      return new PortCell(cellId(node, proto, port), proto, port, service, String.join(", ", owners), exposure,
          String.join(", ", addresses), "/ports/" + proto + "/" + port + "?node=" + Links.segment(node));
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
