package dev.portolan.dashboard;

import dev.portolan.bus.NodeEntry;
import dev.portolan.bus.NodesReply;
import dev.portolan.frontend.view.FleetNodeRow;
import dev.portolan.frontend.view.FleetTotals;
import dev.portolan.sampling.SamplerState;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The fleet's node entries (as {@code FleetApi.nodes} returns them) as the node table: one row per
 * node with status, since when and why, and the fleet totals. A big fleet's port map lists nodes
 * that are not up first.
 */
final class NodeRows {
  private NodeRows() {}

  /**
   * All of them when at most {@code max}, in name order; else down and stale nodes first, then up
   * ones, cut at max.
   */
  static List<NodeEntry> firstFew(List<NodeEntry> entries, int max) {
    if (entries.size() <= max) {
      return entries;
    }
    List<NodeEntry> sorted = new ArrayList<>(entries);
    sorted.sort(Comparator.comparingInt(NodeRows::rank));
    return sorted.subList(0, max);
  }

  private static int rank(NodeEntry entry) {
    return switch (status(entry)) {
      case "down" -> 0;
      case "stale" -> 1;
      default -> 2;
    };
  }

  static List<FleetNodeRow> rows(List<NodeEntry> entries, long now) {
    return entries.stream().map(e -> row(e, now)).toList();
  }

  static FleetNodeRow row(NodeEntry n, long now) {
    String name = n.name() == null ? "?" : n.name();
    return new FleetNodeRow(
        name,
        href(name),
        status(n),
        Clock.when(n.statusSince(), now),
        n.statusReason(),
        n.role("unknown"),
        n.listening(),
        n.total(),
        Clock.ago(n.lastSampleAt(), now),
        backoff(n));
  }

  /** Its status; "down" when it does not say. */
  static String status(NodeEntry n) {
    return n.status() == null ? "down" : n.status();
  }

  /** The sampler's note while it backs off (and the node is live), else null. */
  static String backoff(NodeEntry n) {
    SamplerState sampler = n.facts() == null ? null : n.facts().sampler();
    if (sampler == null || !sampler.backingOff() || !n.live()) {
      return null;
    }
    return sampler.describe();
  }

  /**
   * {@link #totals(List)}, with why the hub is still resyncing when its answer says it is not
   * complete.
   */
  static FleetTotals totals(NodesReply answer, List<NodeEntry> entries) {
    FleetTotals t = totals(entries);
    if (answer.completeness().complete()) {
      return t;
    }
    String reason = answer.completeness().reason();
    return new FleetTotals(
        t.nodes(), t.up(), t.stale(), t.down(), t.sockets(), t.listening(), reason);
  }

  /**
   * Nodes per status; sockets and listening ports summed over the live nodes (a down node's are
   * last seen).
   */
  static FleetTotals totals(List<NodeEntry> entries) {
    int up = 0;
    int stale = 0;
    int down = 0;
    int sockets = 0;
    int listening = 0;
    for (NodeEntry n : entries) {
      switch (status(n)) {
        case "up", "resyncing" -> up++; // resyncing: heartbeats arrive, its table is on its way
        case "stale" -> stale++;
        default -> down++;
      }
      if (n.live()) {
        sockets += n.total();
        listening += n.listening();
      }
    }
    return new FleetTotals(entries.size(), up, stale, down, sockets, listening);
  }

  static String href(String node) {
    return "/nodes/" + Links.segment(node);
  }
}
