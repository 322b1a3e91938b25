package dev.portolan.frontend.view;

import java.util.List;

/**
 * The port map's short-lived panel: sockets that opened and closed between two samples in the last
 * {@code minutes}, counted by where they went ({@code rows}, the largest first), {@code more}
 * groups left out.
 */
public record ShortLivedView(List<ShortLivedRow> rows, int more, int minutes) {
  public ShortLivedView {
    rows = List.copyOf(rows);
  }

  /** "in the last minute", "in the last 5 minutes". */
  public String window() {
    return minutes == 1 ? "in the last minute" : "in the last " + minutes + " minutes";
  }
}
