package dev.portolan.dashboard;

import dev.portolan.frontend.view.FilterForm;
import dev.portolan.frontend.view.StateBar;
import dev.portolan.frontend.view.SummaryView;
import dev.portolan.frontend.view.TrendLine;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;

/** The {@code ss -s} summary as bars of TCP states; TIME_WAIT and CLOSE_WAIT are always shown and explained. */
final class SummaryChart {
  static final String TIME_WAIT_NOTE = "closed by this side; the kernel holds them about 60 s. Many mean many short connections.";
  static final String CLOSE_WAIT_NOTE = "the peer closed but the owning process has not: a count that stays up is usually a leak.";

  private SummaryChart() {
  }

  /** A summary whose sockets are {@code scope}'s ("node web-1", "all 12 live nodes"). */
  static SummaryView from(JsonObject summary, String scope) {
    JsonObject states = summary.getJsonObject("tcpStates", new JsonObject());
    int max = 1;
    for (String state : FilterForm.STATES) {
      max = Math.max(max, states.getInteger(state, 0));
    }
    List<StateBar> bars = new ArrayList<>();
    for (String state : FilterForm.STATES) {
      int count = states.getInteger(state, 0);
      String note = switch (state) {
        case "time-wait" -> TIME_WAIT_NOTE;
        case "close-wait" -> CLOSE_WAIT_NOTE;
        default -> null;
      };
      if (count > 0 || note != null) {
        int percent = count == 0 ? 0 : Math.max(1, (int) Math.round(100.0 * count / max));
        bars.add(new StateBar(state, count, percent, note));
      }
    }
    StringJoiner perProtocol = new StringJoiner(", ");
    JsonObject protocols = summary.getJsonObject("protocols", new JsonObject());
    for (String proto : protocols.fieldNames()) {
      perProtocol.add(proto + " " + protocols.getJsonObject(proto).getInteger("total", 0));
    }
    return new SummaryView(summary.getInteger("total", 0), perProtocol.toString(), bars,
        trend(summary.getJsonArray("trend", new io.vertx.core.json.JsonArray())), trendMinutes(summary), scope, null);
  }

  /** No summary for {@code scope}, and why (a node that is down cannot give its kernel counters or trend). */
  static SummaryView unavailable(String scope, String reason) {
    return new SummaryView(0, "", List.of(), List.of(), 0, scope, reason);
  }

  /** The fleet summary's scope: its live nodes (the fleet summary counts only those, and has no trend). */
  static String fleetScope(JsonObject summary) {
    JsonObject nodes = summary.getJsonObject("nodes", new JsonObject());
    int live = nodes.getInteger("up", 0) + nodes.getInteger("stale", 0);
    return live == 1 ? "the one live node" : "all " + live + " live nodes";
  }

  static final List<String> TREND_STATES = List.of("established", "time-wait", "close-wait", "listen");
  static final int TREND_WIDTH = 300;
  static final int TREND_HEIGHT = 60;

  /** One polyline per state over a shared time axis and a shared count scale (so lines compare). */
  static List<TrendLine> trend(io.vertx.core.json.JsonArray points) {
    if (points.size() < 2) {
      return List.of();
    }
    long first = points.getJsonObject(0).getLong("t");
    long last = points.getJsonObject(points.size() - 1).getLong("t");
    long span = Math.max(1, last - first);
    int max = 1;
    for (int i = 0; i < points.size(); i++) {
      for (String state : TREND_STATES) {
        max = Math.max(max, points.getJsonObject(i).getInteger(state, 0));
      }
    }
    List<TrendLine> lines = new ArrayList<>();
    for (String state : TREND_STATES) {
      StringJoiner xy = new StringJoiner(" ");
      int stateMax = 0;
      for (int i = 0; i < points.size(); i++) {
        JsonObject p = points.getJsonObject(i);
        int count = p.getInteger(state, 0);
        stateMax = Math.max(stateMax, count);
        long x = Math.round((p.getLong("t") - first) * (double) TREND_WIDTH / span);
        long y = Math.round(TREND_HEIGHT - count * (double) (TREND_HEIGHT - 2) / max) - 1;
        xy.add(x + "," + y);
      }
      int latest = points.getJsonObject(points.size() - 1).getInteger(state, 0);
      lines.add(new TrendLine(state, xy.toString(), latest, stateMax));
    }
    return lines;
  }

  private static int trendMinutes(JsonObject summary) {
    var points = summary.getJsonArray("trend", new io.vertx.core.json.JsonArray());
    if (points.size() < 2) {
      return 0;
    }
    long span = points.getJsonObject(points.size() - 1).getLong("t") - points.getJsonObject(0).getLong("t");
    return (int) Math.max(1, Math.round(span / 60_000.0));
  }
}
