package dev.portolan.dashboard;

import dev.portolan.frontend.view.FleetNodeRow;
import dev.portolan.frontend.view.FleetTotals;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The fleet's node entries (as {@code FleetApi.nodes} returns them) as the node table: one row per node with
 * status, since when and why, and the fleet totals. A big fleet's port map lists nodes that are not up first.
 */
final class NodeTable {
  private NodeTable() {
  }

  static List<JsonObject> entries(JsonObject nodesAnswer) {
    JsonArray nodes = nodesAnswer.getJsonArray("nodes", new JsonArray());
    List<JsonObject> out = new ArrayList<>(nodes.size());
    for (int i = 0; i < nodes.size(); i++) {
      out.add(nodes.getJsonObject(i));
    }
    return out;
  }

  /** All of them when at most {@code max}, in name order; else down and stale nodes first, then up ones, cut at max. */
  static List<JsonObject> firstFew(List<JsonObject> entries, int max) {
    if (entries.size() <= max) {
      return entries;
    }
    List<JsonObject> sorted = new ArrayList<>(entries);
    sorted.sort(Comparator.comparingInt(NodeTable::rank));
    return sorted.subList(0, max);
  }

  private static int rank(JsonObject entry) {
    return switch (entry.getString("status", "down")) {
      case "down" -> 0;
      case "stale" -> 1;
      default -> 2;
    };
  }

  static List<FleetNodeRow> rows(List<JsonObject> entries, long now) {
    return entries.stream().map(e -> row(e, now)).toList();
  }

  static FleetNodeRow row(JsonObject n, long now) {
    String name = n.getString("name", "?");
    JsonObject counts = n.getJsonObject("sockets", new JsonObject());
    return new FleetNodeRow(name, href(name), n.getString("status", "down"), Clock.when(n.getLong("statusSince", 0L), now),
        n.getString("statusReason"), n.getString("role", "unknown"), counts.getInteger("listening", 0),
        counts.getInteger("total", 0), Clock.ago(n.getLong("lastSampleAt", 0L), now), backoff(n));
  }

  /** The sampler's note while it backs off (and the node is live), else null. */
  static String backoff(JsonObject n) {
    JsonObject sampler = n.getJsonObject("sampler");
    if (sampler == null || !sampler.getBoolean("backingOff", false) || !n.getBoolean("live", true)) {
      return null;
    }
    return sampler.getString("note");
  }

  /** {@link #totals(List)}, with why the hub is still resyncing when its answer says it is not complete. */
  static FleetTotals totals(JsonObject answer, List<JsonObject> entries) {
    FleetTotals t = totals(entries);
    if (answer.getBoolean("complete", true)) {
      return t;
    }
    String reason = answer.getJsonObject("resync", new JsonObject()).getString("reason", "resyncing");
    return new FleetTotals(t.nodes(), t.up(), t.stale(), t.down(), t.sockets(), t.listening(), reason);
  }

  /** Nodes per status; sockets and listening ports summed over the live nodes (a down node's are last seen). */
  static FleetTotals totals(List<JsonObject> entries) {
    int up = 0;
    int stale = 0;
    int down = 0;
    int sockets = 0;
    int listening = 0;
    for (JsonObject n : entries) {
      switch (n.getString("status", "down")) {
        case "up", "resyncing" -> up++; // resyncing: heartbeats arrive, its table is on its way
        case "stale" -> stale++;
        default -> down++;
      }
      if (n.getBoolean("live", false)) {
        JsonObject counts = n.getJsonObject("sockets", new JsonObject());
        sockets += counts.getInteger("total", 0);
        listening += counts.getInteger("listening", 0);
      }
    }
    return new FleetTotals(entries.size(), up, stale, down, sockets, listening);
  }

  static String href(String node) {
    return "/nodes/" + Links.segment(node);
  }

  /** When a node was last seen: its last sample, else its last heartbeat. */
  static long lastSeen(JsonObject n) {
    long sample = n.getLong("lastSampleAt", 0L);
    return sample > 0 ? sample : n.getLong("lastHeartbeatAt", 0L);
  }
}
