package dev.portolan.dashboard;

import dev.portolan.bus.FleetSummaryReply;
import dev.portolan.bus.SummaryReply;
import dev.portolan.frontend.view.FilterForm;
import dev.portolan.frontend.view.StateBar;
import dev.portolan.frontend.view.SummaryView;
import dev.portolan.frontend.view.TrendLine;
import dev.portolan.sampling.SummaryTrend;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * The {@code ss -s} summary as bars of TCP states; TIME_WAIT and CLOSE_WAIT are always shown and
 * explained.
 */
final class SummaryChart {
  static final String TIME_WAIT_NOTE =
      "closed by this side; the kernel holds them about 60 s. Many mean many short connections.";
  static final String CLOSE_WAIT_NOTE =
      "the peer closed but the owning process has not: a count that stays up is usually a leak.";

  private SummaryChart() {}

  /** A summary whose sockets are {@code scope}'s ("node web-1", "all 12 live nodes"). */
  static SummaryView from(SummaryReply summary, String scope) {
    Map<String, Integer> states = summary.tcpStates();
    int max = 1;
    for (String state : FilterForm.STATES) {
      max = Math.max(max, states.getOrDefault(state, 0));
    }
    List<StateBar> bars = new ArrayList<>();
    for (String state : FilterForm.STATES) {
      int count = states.getOrDefault(state, 0);
      String note =
          switch (state) {
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
    summary
        .protocols()
        .forEach((proto, counts) -> perProtocol.add(proto + " " + counts.getOrDefault("total", 0)));
    return new SummaryView(
        summary.total(),
        perProtocol.toString(),
        bars,
        trend(summary.trend()),
        trendMinutes(summary.trend()),
        scope,
        null);
  }

  /**
   * No summary for {@code scope}, and why (a node that is down cannot give its kernel counters or
   * trend).
   */
  static SummaryView unavailable(String scope, String reason) {
    return new SummaryView(0, "", List.of(), List.of(), 0, scope, reason);
  }

  /**
   * The fleet summary's scope: its live nodes (the fleet summary counts only those, and has no
   * trend).
   */
  static String fleetScope(FleetSummaryReply summary) {
    int live = summary.liveNodes();
    return live == 1 ? "the one live node" : "all " + live + " live nodes";
  }

  static final List<String> TREND_STATES =
      List.of("established", "time-wait", "close-wait", "listen");
  static final int TREND_WIDTH = 300;
  static final int TREND_HEIGHT = 60;

  /** One polyline per state over a shared time axis and a shared count scale (so lines compare). */
  static List<TrendLine> trend(List<SummaryTrend.Point> points) {
    if (points.size() < 2) {
      return List.of();
    }
    long first = points.getFirst().takenAtMillis();
    long last = points.getLast().takenAtMillis();
    long span = Math.max(1, last - first);
    int max = 1;
    for (SummaryTrend.Point p : points) {
      for (String state : TREND_STATES) {
        max = Math.max(max, count(p, state));
      }
    }
    List<TrendLine> lines = new ArrayList<>();
    for (String state : TREND_STATES) {
      StringJoiner xy = new StringJoiner(" ");
      int stateMax = 0;
      for (SummaryTrend.Point p : points) {
        int count = count(p, state);
        stateMax = Math.max(stateMax, count);
        long x = Math.round((p.takenAtMillis() - first) * (double) TREND_WIDTH / span);
        long y = Math.round(TREND_HEIGHT - count * (double) (TREND_HEIGHT - 2) / max) - 1;
        xy.add(x + "," + y);
      }
      int latest = count(points.getLast(), state);
      lines.add(new TrendLine(state, xy.toString(), latest, stateMax));
    }
    return lines;
  }

  /** A point's count of one of {@link #TREND_STATES}. */
  private static int count(SummaryTrend.Point p, String state) {
    return switch (state) {
      case "established" -> p.established();
      case "time-wait" -> p.timeWait();
      case "close-wait" -> p.closeWait();
      case "listen" -> p.listen();
      default -> 0;
    };
  }

  private static int trendMinutes(List<SummaryTrend.Point> points) {
    if (points.size() < 2) {
      return 0;
    }
    long span = points.getLast().takenAtMillis() - points.getFirst().takenAtMillis();
    return (int) Math.max(1, Math.round(span / 60_000.0));
  }
}
