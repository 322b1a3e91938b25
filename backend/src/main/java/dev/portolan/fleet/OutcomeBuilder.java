package dev.portolan.fleet;

import dev.portolan.sampling.SocketChange;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Collects what one input of {@link FleetState} led to; lists are only made when something is
 * added.
 */
final class OutcomeBuilder {
  private List<SocketChange> changes;
  private List<StatusChange> statusChanges;
  private String resyncNode;

  void change(SocketChange change) {
    if (changes == null) {
      changes = new ArrayList<>();
    }
    changes.add(change);
  }

  void status(StatusChange change) {
    if (statusChanges == null) {
      statusChanges = new ArrayList<>(2);
    }
    statusChanges.add(change);
  }

  void resync(String node) {
    resyncNode = node;
  }

  FleetState.Outcome build() {
    if (changes == null && statusChanges == null && resyncNode == null) {
      return FleetState.Outcome.NONE;
    }
    return new FleetState.Outcome(
        changes == null ? List.of() : Collections.unmodifiableList(changes),
        statusChanges == null ? List.of() : Collections.unmodifiableList(statusChanges),
        resyncNode);
  }
}
