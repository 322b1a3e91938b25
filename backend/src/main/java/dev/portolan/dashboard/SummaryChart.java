package dev.portolan.dashboard;

import dev.portolan.frontend.view.FilterForm;
import dev.portolan.frontend.view.StateBar;
import dev.portolan.frontend.view.SummaryView;
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

  static SummaryView from(JsonObject summary) {
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
    return new SummaryView(summary.getInteger("total", 0), perProtocol.toString(), bars);
  }
}
