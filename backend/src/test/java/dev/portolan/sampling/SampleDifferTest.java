package dev.portolan.sampling;

import static dev.portolan.sampling.Rows.listener;
import static dev.portolan.sampling.Rows.process;
import static dev.portolan.sampling.Rows.tcp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.owner.Owner;
import dev.portolan.socket.SocketState;
import java.util.List;
import org.junit.jupiter.api.Test;

class SampleDifferTest {
  private final Owner app = Owner.of(process(100, "app"));
  private final Owner other = Owner.of(process(200, "other"));

  @Test
  void firstSampleIsTheBaselineAndYieldsNoChanges() {
    SampleDiffer differ = new SampleDiffer("n1", 10);
    assertEquals(List.of(), differ.diff(SampleDiffer.byKey(List.of(listener(80, 1, app))), 1));
    assertEquals(10, differ.lastSeq());
  }

  @Test
  void opensClosesAndStateChangesCarryNodeGrowingSeqAndTime() {
    SampleDiffer differ = new SampleDiffer("n1", 10);
    differ.diff(
        SampleDiffer.byKey(
            List.of(
                listener(80, 1, app),
                tcp("10.0.0.1", 80, "10.0.0.2", 5000, SocketState.ESTABLISHED, 2, app))),
        1);
    List<SocketChange> changes =
        differ.diff(
            SampleDiffer.byKey(
                List.of(
                    tcp("10.0.0.1", 80, "10.0.0.2", 5000, SocketState.CLOSE_WAIT, 2, app),
                    listener(443, 3, app))),
            2);
    assertEquals(3, changes.size(), changes.toString());
    SocketChange state =
        changes.stream()
            .filter(c -> c.kind() == ChangeKind.STATE_CHANGED)
            .findFirst()
            .orElseThrow();
    assertEquals(SocketState.ESTABLISHED, state.previousState());
    assertEquals(SocketState.CLOSE_WAIT, state.current().socket().state());
    assertTrue(
        changes.stream()
            .anyMatch(
                c -> c.kind() == ChangeKind.OPENED && c.current().socket().localPort() == 443));
    assertTrue(
        changes.stream()
            .anyMatch(
                c ->
                    c.kind() == ChangeKind.CLOSED
                        && c.current().socket().localPort() == 80
                        && c.current().socket().isListening()));
    long expected = 11;
    for (SocketChange c : changes) {
      assertEquals("n1", c.node());
      assertEquals(2, c.timestampMillis());
      assertEquals(expected++, c.seq());
    }
    assertEquals(13, differ.lastSeq());
  }

  @Test
  void establishedToTimeWaitIsAStateChangeEvenThoughTheKernelDropsTheInode() {
    SampleDiffer differ = new SampleDiffer("n1", 0);
    differ.diff(
        SampleDiffer.byKey(
            List.of(tcp("127.0.0.1", 4000, "127.0.0.1", 80, SocketState.ESTABLISHED, 77, app))),
        1);
    List<SocketChange> changes =
        differ.diff(
            SampleDiffer.byKey(
                List.of(
                    tcp(
                        "127.0.0.1",
                        4000,
                        "127.0.0.1",
                        80,
                        SocketState.TIME_WAIT,
                        0,
                        Owner.KERNEL))),
            2);
    assertEquals(1, changes.size());
    assertEquals(ChangeKind.STATE_CHANGED, changes.getFirst().kind());
    assertEquals(SocketState.TIME_WAIT, changes.getFirst().current().socket().state());
  }

  @Test
  void ownerChangeIsReportedButKernelUnknownNoiseIsNot() {
    SampleDiffer differ = new SampleDiffer("n1", 0);
    differ.diff(
        SampleDiffer.byKey(List.of(listener(80, 1, app), listener(81, 2, Owner.UNKNOWN))), 1);
    List<SocketChange> changes =
        differ.diff(
            SampleDiffer.byKey(
                List.of(listener(80, 1, other), listener(81, 2, Owner.PERMISSION_DENIED))),
            2);
    assertEquals(1, changes.size(), changes.toString());
    assertEquals(ChangeKind.OWNER_CHANGED, changes.getFirst().kind());
    assertEquals(100, changes.getFirst().previousOwner().pid());
    assertEquals(200, changes.getFirst().current().owner().pid());
  }

  @Test
  void reusePortListenersSharingATupleAreDistinctSockets() {
    SampleDiffer differ = new SampleDiffer("n1", 0);
    differ.diff(SampleDiffer.byKey(List.of(listener(80, 1, app))), 1);
    List<SocketChange> changes =
        differ.diff(SampleDiffer.byKey(List.of(listener(80, 1, app), listener(80, 2, other))), 2);
    assertEquals(1, changes.size());
    assertEquals(ChangeKind.OPENED, changes.getFirst().kind());
    assertEquals(2, changes.getFirst().current().socket().inode());
  }

  @Test
  void aProxyThatNowKnowsItsContainersNameIsAChange() {
    Owner proxy = Owner.of(process(900, "docker-proxy"));
    OwnedSocket listener = listener(8080, 1, proxy);
    OwnedSocket unnamed =
        new OwnedSocket(
            listener.socket(),
            proxy,
            null,
            new dev.portolan.netns.ContainerForward("3f2a", null, "172.17.0.2", 80, 4026532999L));
    OwnedSocket named =
        new OwnedSocket(
            listener.socket(),
            proxy,
            null,
            new dev.portolan.netns.ContainerForward("3f2a", "web", "172.17.0.2", 80, 4026532999L));
    SampleDiffer differ = new SampleDiffer("n", 0);
    differ.diff(List.of(unnamed), 1);
    List<SocketChange> changes = differ.diff(List.of(named), 2);
    assertEquals(1, changes.size(), changes::toString);
    assertEquals(ChangeKind.NAMESPACE_CHANGED, changes.getFirst().kind());
    assertEquals("web", changes.getFirst().current().forwardsTo().containerName());
    assertEquals(List.of(), differ.diff(List.of(named), 3), "and no change once it is known");
  }
}
