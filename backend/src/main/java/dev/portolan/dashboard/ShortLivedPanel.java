package dev.portolan.dashboard;

import dev.portolan.frontend.view.ShortLivedRow;
import dev.portolan.frontend.view.ShortLivedView;
import dev.portolan.sampling.ShortLivedTally;
import dev.portolan.sampling.SocketChange;
import java.util.List;
import java.util.Locale;

/**
 * The port map's short-lived panel: the short-lived sockets of the last minute counted by where
 * they went ({@link ShortLivedTally}), at most {@link #MAX_ROWS} lines.
 */
final class ShortLivedPanel {
  static final int MINUTES = 1;
  static final int MAX_ROWS = 12;

  private ShortLivedPanel() {}

  /** Where the panel starts counting, for a panel drawn at {@code nowMillis}. */
  static long since(long nowMillis) {
    return nowMillis - MINUTES * 60_000L;
  }

  /** The panel of {@code changes} (short-lived ones since {@link #since}), drawn at {@code now}. */
  static ShortLivedView of(List<SocketChange> changes, long nowMillis) {
    List<ShortLivedTally.Group> groups = ShortLivedTally.of(changes, since(nowMillis));
    boolean severalNodes = groups.stream().map(ShortLivedTally.Group::node).distinct().count() > 1;
    List<ShortLivedRow> rows =
        groups.stream()
            .limit(MAX_ROWS)
            .map(
                g ->
                    new ShortLivedRow(
                        g.count(),
                        g.proto().wireName().toUpperCase(Locale.ROOT),
                        g.direction() == ShortLivedTally.Direction.TO ? "to" : "on",
                        g.endpoint(),
                        severalNodes ? g.node() : null,
                        g.owner(),
                        Clock.when(g.lastMillis(), nowMillis)))
            .toList();
    return new ShortLivedView(rows, Math.max(0, groups.size() - MAX_ROWS), MINUTES);
  }
}
