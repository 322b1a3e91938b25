package dev.portolan.fleet;

import static dev.portolan.fleet.FeedMirror.hubTable;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.fleet.FleetState.Outcome;
import dev.portolan.netns.NamespaceLabel;
import dev.portolan.netns.SocketNamespace;
import dev.portolan.owner.Owner;
import dev.portolan.sampling.ChangeKind;
import dev.portolan.sampling.NodeSnapshot;
import dev.portolan.sampling.OwnedSocket;
import dev.portolan.sampling.Rows;
import dev.portolan.sampling.SocketChange;
import dev.portolan.sim.SyntheticNode;
import dev.portolan.socket.SocketEntry;
import dev.portolan.socket.SocketState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class FleetStateTest {
  private static final long T0 = 1_700_000_000_000L;
  private static final long FIRST_SEQ = 500;
  private final Random random = new Random(7);
  private FleetState hub = new FleetState(FleetState.Settings.DEFAULT, FIRST_SEQ);
  private final FeedMirror feed = new FeedMirror(FIRST_SEQ);

  /** The cluster member each synthetic agent runs in, by name. */
  private final Map<String, String> members = new HashMap<>();

  private SyntheticNode agent(String name, String member, int sockets) {
    members.put(name, member);
    return new SyntheticNode(name, members.size(), sockets, 0, random.nextLong(), T0 * 1000);
  }

  private NodeFacts facts(SyntheticNode a) {
    return a.facts(members.get(a.name()), 0);
  }

  private Outcome heartbeat(SyntheticNode a, long now) {
    return feed.read(hub.heartbeat(facts(a), a.epoch(), a.lastSeq(), now, now));
  }

  private Outcome batch(SyntheticNode a, List<SocketChange> changes, long now) {
    return feed.read(hub.batch(a.name(), a.epoch(), changes, now));
  }

  private Outcome deliver(SyntheticNode.Snapshot r, long now) {
    return feed.read(
        hub.snapshot(r.node(), r.epoch(), r.seq(), r.takenAtMillis(), r.sockets(), now));
  }

  /** A sample that changed something. */
  private static List<SocketChange> changes(SyntheticNode a, long now) {
    List<SocketChange> batch;
    do {
      batch = a.churn(4, now);
    } while (batch.isEmpty());
    return batch;
  }

  /** An agent the hub knows and holds in sync. */
  private SyntheticNode synced(String name, String member, long now) {
    SyntheticNode a = agent(name, member, 20);
    assertEquals(name, heartbeat(a, now).resyncNode());
    assertNull(deliver(a.snapshot(now), now).resyncNode());
    assertInSync(a);
    return a;
  }

  private void assertInSync(SyntheticNode a) {
    NodeView v = hub.node(a.name());
    assertFalse(v.resyncing(), "not resyncing");
    assertEquals(a.epoch(), v.epoch());
    assertEquals(a.lastSeq(), v.snapshot().seq());
    assertEquals(a.table(), hubTable(hub, a.name()), "the hub holds the agent's table");
    assertEquals(a.table(), feed.table(a.name()), "the feed's reader holds it too");
  }

  @Test
  void shortLivedSocketsArePassedOnRenumberedAndNeverHeld() {
    SyntheticNode a = synced("a", "m1", T0).withShortLivedSockets();
    int shortLived = 0;
    for (int i = 1; i <= 30; i++) {
      long now = T0 + i * 1000;
      List<SocketChange> sent = a.churn(2, now);
      List<SocketChange> passed = batch(a, sent, now).changes();
      assertEquals(sent.size(), passed.size(), "every change passed on");
      for (int k = 0; k < sent.size(); k++) {
        assertEquals(
            sent.get(k).withSeq(passed.get(k).seq()), passed.get(k), "the same change, renumbered");
        if (sent.get(k).kind() == ChangeKind.SHORT_LIVED) {
          shortLived++;
          assertFalse(
              hubTable(hub, "a").containsKey(sent.get(k).current().socket().key()), "never held");
        }
      }
      assertInSync(
          a); // the agent's table, at the agent's seq (a short-lived change moves the seq too)
    }
    assertTrue(shortLived > 0, "the agent reported short-lived sockets");
    assertEquals(shortLived, feed.shortLived());
  }

  @Test
  void aNewNodeJoinsAndIsAskedForASnapshot() {
    SyntheticNode a = agent("a", "m1", 5);
    Outcome o = heartbeat(a, T0);
    assertEquals("a", o.resyncNode());
    assertEquals(List.of(new StatusChange("a", NodeStatus.UP, T0, "joined")), o.statusChanges());
    assertTrue(o.changes().isEmpty());
    NodeView v = hub.node("a");
    assertTrue(v.resyncing());
    assertEquals(NodeStatus.UP, v.status());
    assertEquals(facts(a), v.facts());
    assertTrue(v.snapshot().sockets().isEmpty());
    assertNull(heartbeat(a, T0 + 1000).resyncNode(), "asked already: not again while pending");
    assertNull(hub.node("b"));
    assertEquals(FIRST_SEQ, hub.lastSeq());
  }

  @Test
  void theSnapshotThenContiguousBatchesAreAppliedAndRenumbered() {
    SyntheticNode a = agent("a", "m1", 20);
    heartbeat(a, T0);
    Outcome s = deliver(a.snapshot(T0 + 10), T0 + 20);
    assertEquals(20, s.changes().size());
    assertTrue(
        s.changes().stream()
            .allMatch(c -> c.kind() == ChangeKind.OPENED && c.timestampMillis() == T0 + 10));
    assertEquals(FIRST_SEQ + 1, s.changes().getFirst().seq());
    assertEquals(FIRST_SEQ + 20, hub.lastSeq());
    assertNull(s.resyncNode());
    assertInSync(a);

    for (int i = 1; i <= 10; i++) {
      long now = T0 + i * 1000;
      List<SocketChange> sent = changes(a, now);
      long before = hub.lastSeq();
      Outcome o = batch(a, sent, now);
      assertNull(o.resyncNode());
      assertEquals(sent.size(), o.changes().size());
      for (int j = 0; j < sent.size(); j++) {
        SocketChange in = sent.get(j);
        SocketChange out = o.changes().get(j);
        assertEquals(
            new SocketChange(
                in.kind(),
                in.node(),
                before + 1 + j,
                in.timestampMillis(),
                in.current(),
                in.previousState(),
                in.previousOwner()),
            out);
      }
      assertEquals(before + sent.size(), hub.lastSeq());
      assertInSync(a);
      assertNull(heartbeat(a, now).resyncNode(), "the heartbeat's seq was received");
    }
  }

  @Test
  void aDuplicateBatchIsSkippedAndAnOverlappingOneAppliesOnlyWhatIsNew() {
    SyntheticNode a = synced("a", "m1", T0);
    List<SocketChange> b1 = changes(a, T0 + 1000);
    List<SocketChange> b2 = changes(a, T0 + 2000);
    assertEquals(b1.size(), batch(a, b1, T0 + 1000).changes().size());
    long seq = hub.lastSeq();
    assertEquals(Outcome.NONE, batch(a, b1, T0 + 1500));
    assertEquals(seq, hub.lastSeq());
    List<SocketChange> overlap = new ArrayList<>(b1.subList(b1.size() - 1, b1.size()));
    overlap.addAll(b2);
    Outcome o = batch(a, overlap, T0 + 2000);
    assertNull(o.resyncNode());
    assertEquals(
        b2.stream().map(SocketChange::current).toList(),
        o.changes().stream().map(SocketChange::current).toList());
    assertInSync(a);
    assertEquals(Outcome.NONE, batch(a, List.of(), T0 + 2100));
  }

  @Test
  void aGapAsksForASnapshotAndTheBufferedBatchesFollowIt() {
    SyntheticNode a = synced("a", "m1", T0);
    changes(a, T0 + 1000); // lost
    List<SocketChange> b2 = changes(a, T0 + 2000);
    Outcome o = batch(a, b2, T0 + 2000);
    assertEquals("a", o.resyncNode());
    assertTrue(o.changes().isEmpty());
    assertTrue(hub.node("a").resyncing());
    SyntheticNode.Snapshot reply = a.snapshot(T0 + 2100); // taken after b2: b2 is in it
    List<SocketChange> b3 = changes(a, T0 + 3000);
    List<SocketChange> b4 = changes(a, T0 + 4000);
    assertEquals(Outcome.NONE, batch(a, b3, T0 + 3000), "buffered, nothing passed on");
    assertEquals(Outcome.NONE, batch(a, b4, T0 + 4000));
    assertNull(heartbeat(a, T0 + 4000).resyncNode(), "pending already");

    Outcome s = deliver(reply, T0 + 4100);
    assertNull(s.resyncNode());
    List<SocketChange> tail =
        s.changes().subList(s.changes().size() - b3.size() - b4.size(), s.changes().size());
    List<SocketChange> expected = new ArrayList<>(b3);
    expected.addAll(b4);
    assertEquals(
        expected.stream().map(SocketChange::current).toList(),
        tail.stream().map(SocketChange::current).toList(),
        "b3 and b4 after the snapshot's own changes");
    assertTrue(
        s.changes().subList(0, s.changes().size() - tail.size()).stream()
            .allMatch(c -> c.timestampMillis() == T0 + 2100),
        "the snapshot's changes carry its time");
    assertInSync(a);
  }

  @Test
  void bufferedChangesTheSnapshotAlreadyHasAreSkipped() {
    SyntheticNode a = synced("a", "m1", T0);
    changes(a, T0 + 1000); // lost
    List<SocketChange> b2 = changes(a, T0 + 2000);
    assertEquals("a", batch(a, b2, T0 + 2000).resyncNode());
    List<SocketChange> b3 = changes(a, T0 + 3000);
    batch(a, b3, T0 + 3000);
    Outcome s = deliver(a.snapshot(T0 + 3100), T0 + 3200); // has b2 and b3
    assertNull(s.resyncNode());
    assertTrue(
        s.changes().stream().allMatch(c -> c.timestampMillis() == T0 + 3100),
        "only the snapshot's changes");
    assertInSync(a);
  }

  @Test
  void aGapLeftAfterTheSnapshotAsksAgain() {
    SyntheticNode a = synced("a", "m1", T0);
    changes(a, T0 + 1000); // lost
    assertEquals("a", batch(a, changes(a, T0 + 2000), T0 + 2000).resyncNode());
    SyntheticNode.Snapshot reply = a.snapshot(T0 + 2100);
    changes(a, T0 + 3000); // lost too
    batch(a, changes(a, T0 + 4000), T0 + 4000);
    Outcome s = deliver(reply, T0 + 4100);
    assertEquals("a", s.resyncNode());
    assertTrue(hub.node("a").resyncing());
    assertNull(deliver(a.snapshot(T0 + 4200), T0 + 4300).resyncNode());
    assertInSync(a);
  }

  @Test
  void aHeartbeatWithASeqNotReceivedAsksForASnapshot() {
    SyntheticNode a = synced("a", "m1", T0);
    changes(a, T0 + 1000); // lost
    assertEquals("a", heartbeat(a, T0 + 1000).resyncNode());
    deliver(a.snapshot(T0 + 1100), T0 + 1100);
    assertInSync(a);
  }

  @Test
  void aRestartAsksForASnapshotWhoseChangesTurnTheOldPictureIntoTheNew() {
    SyntheticNode a = synced("a", "m1", T0);
    batch(a, changes(a, T0 + 1000), T0 + 1000);
    String oldEpoch = a.epoch();
    a.restart((T0 + 5000) * 1000, 12);
    Outcome h = heartbeat(a, T0 + 5000);
    assertEquals("a", h.resyncNode());
    assertTrue(h.statusChanges().isEmpty(), "it was up: no status change");
    assertEquals(oldEpoch, hub.node("a").epoch(), "the picture is still the old run's");
    deliver(a.snapshot(T0 + 5100), T0 + 5100);
    assertInSync(a);
    assertNull(batch(a, changes(a, T0 + 6000), T0 + 6000).resyncNode());
    assertInSync(a);
  }

  @Test
  void aBatchOfANewRunBeforeItsHeartbeatIsBufferedUntilTheSnapshot() {
    SyntheticNode a = synced("a", "m1", T0);
    a.restart((T0 + 5000) * 1000, 6);
    SyntheticNode.Snapshot reply = a.snapshot(T0 + 5000);
    List<SocketChange> first = changes(a, T0 + 6000);
    assertEquals("a", batch(a, first, T0 + 6000).resyncNode());
    Outcome s = deliver(reply, T0 + 6100);
    assertEquals(
        first.stream().map(SocketChange::current).toList(),
        s.changes().subList(s.changes().size() - first.size(), s.changes().size()).stream()
            .map(SocketChange::current)
            .toList());
    assertInSync(a);
  }

  @Test
  void aSnapshotPassesOnOneChangeOfTheRightKindPerDifference() {
    Owner p1 = Owner.of(Rows.process(1, "one"));
    Owner p2 = Owner.of(Rows.process(2, "two"));
    OwnedSocket listener = Rows.listener(80, 10, p1);
    OwnedSocket conn = Rows.tcp("10.0.0.1", 80, "10.0.0.2", 40000, SocketState.ESTABLISHED, 11, p1);
    OwnedSocket gone = Rows.tcp("10.0.0.1", 80, "10.0.0.3", 40001, SocketState.ESTABLISHED, 12, p1);
    OwnedSocket kernel =
        Rows.tcp("10.0.0.1", 80, "10.0.0.4", 40002, SocketState.TIME_WAIT, 0, Owner.KERNEL);
    NodeFacts facts =
        NodeFacts.builder("a")
            .clusterNodeId("m1")
            .role("agent")
            .reader("proc")
            .intervalMillis(1000)
            .startedAtMillis(0)
            .kernel("6.1")
            .addresses(List.of())
            .build();
    hub.heartbeat(facts, "e1", 1, T0, T0);
    feed.read(hub.snapshot("a", "e1", 1, T0, List.of(listener, conn, gone, kernel), T0));

    OwnedSocket listenerNow = Rows.listener(80, 10, p2);
    OwnedSocket connNow =
        Rows.tcp("10.0.0.1", 80, "10.0.0.2", 40000, SocketState.TIME_WAIT, 0, Owner.KERNEL);
    OwnedSocket kernelNow =
        Rows.tcp("10.0.0.1", 80, "10.0.0.4", 40002, SocketState.TIME_WAIT, 0, Owner.UNKNOWN);
    OwnedSocket opened = Rows.unix("/run/new", 13, p2);
    assertEquals("a", hub.heartbeat(facts, "e2", 7, T0 + 1000, T0 + 1000).resyncNode());
    Outcome o =
        feed.read(
            hub.snapshot(
                "a",
                "e2",
                7,
                T0 + 1000,
                List.of(listenerNow, connNow, kernelNow, opened),
                T0 + 1000));

    Map<ChangeKind, List<SocketChange>> byKind =
        o.changes().stream().collect(Collectors.groupingBy(SocketChange::kind));
    assertEquals(4, o.changes().size(), "kernel -> unknown is no owner change: " + o.changes());
    assertEquals(
        new SocketChange(
            ChangeKind.OWNER_CHANGED,
            "a",
            byKind.get(ChangeKind.OWNER_CHANGED).getFirst().seq(),
            T0 + 1000,
            listenerNow,
            null,
            p1),
        byKind.get(ChangeKind.OWNER_CHANGED).getFirst());
    SocketChange state = byKind.get(ChangeKind.STATE_CHANGED).getFirst();
    assertEquals(connNow, state.current());
    assertEquals(SocketState.ESTABLISHED, state.previousState());
    assertEquals(
        gone, byKind.get(ChangeKind.CLOSED).getFirst().current(), "closed: the row as last held");
    assertEquals(opened, byKind.get(ChangeKind.OPENED).getFirst().current());
    assertEquals(
        kernelNow,
        hubTable(hub, "a").get(kernelNow.socket().key()),
        "rows are replaced all the same");
    // the feed says nothing of kernel -> unknown (as an agent's own feed does not): its reader
    // keeps the old owner
    assertEquals(hubTable(hub, "a").keySet(), feed.table("a").keySet());
    assertEquals(Owner.KERNEL, feed.table("a").get(kernelNow.socket().key()).owner());
    assertEquals("e2", hub.node("a").epoch());
    assertEquals(7, hub.node("a").snapshot().seq());
  }

  @Test
  void aSnapshotWithANamespaceRelabelledPassesOnANamespaceChange() {
    Owner p1 = Owner.of(Rows.process(1, "one"));
    SocketEntry inside = Rows.listener(80, 10, p1).socket().inNamespace(11);
    OwnedSocket unlabelled = new OwnedSocket(inside, p1, SocketNamespace.of(11));
    OwnedSocket named =
        new OwnedSocket(inside, p1, new SocketNamespace(11, NamespaceLabel.named("web")));
    NodeFacts facts =
        NodeFacts.builder("a")
            .clusterNodeId("m1")
            .role("agent")
            .reader("netlink")
            .intervalMillis(1000)
            .startedAtMillis(0)
            .kernel("6.1")
            .addresses(List.of())
            .build();
    hub.heartbeat(facts, "e1", 1, T0, T0);
    feed.read(hub.snapshot("a", "e1", 1, T0, List.of(unlabelled), T0));
    assertEquals("a", hub.heartbeat(facts, "e2", 3, T0 + 1000, T0 + 1000).resyncNode());
    Outcome o = feed.read(hub.snapshot("a", "e2", 3, T0 + 1000, List.of(named), T0 + 1000));

    assertEquals(1, o.changes().size(), o.changes().toString());
    SocketChange change = o.changes().getFirst();
    assertEquals(ChangeKind.NAMESPACE_CHANGED, change.kind());
    assertEquals(named, change.current());
    assertEquals(
        "web", feed.table("a").get(inside.key()).namespace().label().netnsName(), "fed on");
    assertEquals("web", hubTable(hub, "a").get(inside.key()).namespace().label().netnsName());
  }

  @Test
  void anOverflowingBufferIsDroppedAndASecondSnapshotFollowsTheFirst() {
    hub =
        new FleetState(
            new FleetState.Settings(Duration.ofSeconds(3), Duration.ofSeconds(5), 10), FIRST_SEQ);
    SyntheticNode a = synced("a", "m1", T0);
    changes(a, T0 + 1000); // lost
    assertEquals("a", batch(a, changes(a, T0 + 2000), T0 + 2000).resyncNode());
    SyntheticNode.Snapshot first = a.snapshot(T0 + 2000);
    int buffered = 0;
    for (int i = 3; buffered <= 10; i++) {
      List<SocketChange> b = changes(a, T0 + i * 1000);
      buffered += b.size();
      assertEquals(Outcome.NONE, batch(a, b, T0 + i * 1000));
    }
    Outcome s = deliver(first, T0 + 20_000);
    assertEquals(
        "a", s.resyncNode(), "the changes after the first snapshot were dropped: ask again");
    assertTrue(hub.node("a").resyncing());
    assertEquals(first.seq(), hub.node("a").snapshot().seq());
    assertNull(deliver(a.snapshot(T0 + 21_000), T0 + 21_000).resyncNode());
    assertInSync(a);
  }

  @Test
  void whileItsRequestWaitsItsTurnANodesBatchesAreNotKept() {
    hub =
        new FleetState(
            new FleetState.Settings(Duration.ofSeconds(3), Duration.ofSeconds(5), 10), FIRST_SEQ);
    SyntheticNode a = synced("a", "m1", T0);
    changes(a, T0 + 1000); // lost
    assertEquals("a", batch(a, changes(a, T0 + 2000), T0 + 2000).resyncNode());
    // The hub asks a few nodes at a time: a's request waits. Its batches meanwhile are more than
    // the buffer holds; kept, they would overflow it and cost a second snapshot.
    hub.snapshotQueued("a");
    int arrived = 0;
    for (int i = 3; arrived <= 10; i++) {
      List<SocketChange> b = changes(a, T0 + i * 1000);
      arrived += b.size();
      assertEquals(Outcome.NONE, batch(a, b, T0 + i * 1000));
    }
    // Its turn: the request goes out; the snapshot is taken after it, then one more batch comes.
    hub.snapshotAsked("a");
    SyntheticNode.Snapshot snap = a.snapshot(T0 + 30_000);
    assertEquals(Outcome.NONE, batch(a, changes(a, T0 + 30_500), T0 + 30_500));
    assertNull(deliver(snap, T0 + 31_000).resyncNode(), "one snapshot was enough");
    assertInSync(a);
  }

  @Test
  void afterAFailedResyncTheNextHeartbeatOrBatchAsksAgain() {
    SyntheticNode a = agent("a", "m1", 5);
    assertEquals("a", heartbeat(a, T0).resyncNode());
    assertEquals(Outcome.NONE, hub.resyncFailed("a", T0 + 100));
    assertFalse(hub.node("a").resyncing());
    assertEquals("a", heartbeat(a, T0 + 1000).resyncNode());
    deliver(a.snapshot(T0 + 1100), T0 + 1100);
    assertInSync(a);

    changes(a, T0 + 2000); // lost
    assertEquals("a", heartbeat(a, T0 + 2000).resyncNode());
    hub.resyncFailed("a", T0 + 2100);
    List<SocketChange> next = changes(a, T0 + 3000);
    assertEquals(
        "a", batch(a, next, T0 + 3000).resyncNode(), "a batch asks again too (and is buffered)");
    deliver(a.snapshot(T0 + 3100), T0 + 3100);
    assertInSync(a);
    hub.resyncFailed("nobody", T0);
  }

  @Test
  void afterAFailedResyncOfANodeBackFromDownTheNextHeartbeatAsksAgain() {
    SyntheticNode a = synced("a", "m1", T0);
    hub.memberLeft("m1", T0 + 100);
    changes(a, T0 + 150); // published while its hub was gone: never delivered
    assertEquals("a", heartbeat(a, T0 + 200).resyncNode());
    hub.resyncFailed("a", T0 + 300);
    assertEquals(
        "a", heartbeat(a, T0 + 1200).resyncNode(), "nothing else says so: the seq is the same");
  }

  @Test
  void bufferedChangesOfAnotherRunAreNotAppliedAfterTheSnapshot() {
    SyntheticNode a = synced("a", "m1", T0);
    String oldEpoch = a.epoch();
    List<SocketChange> late = changes(a, T0 + 1000); // of the old run, delivered after the restart
    a.restart(10, 5); // its clock went back: the new run's seqs are lower than the old's
    assertEquals("a", heartbeat(a, T0 + 2000).resyncNode());
    assertEquals(Outcome.NONE, feed.read(hub.batch("a", oldEpoch, late, T0 + 2100)));
    Outcome s = deliver(a.snapshot(T0 + 2200), T0 + 2200);
    assertTrue(
        s.changes().stream().allMatch(c -> c.timestampMillis() == T0 + 2200),
        "only the snapshot's changes");
    assertInSync(a);
  }

  @Test
  void aLateSnapshotOlderThanThePictureIsIgnored() {
    SyntheticNode a = synced("a", "m1", T0);
    SyntheticNode.Snapshot old = a.snapshot(T0);
    batch(a, changes(a, T0 + 1000), T0 + 1000);
    assertEquals(Outcome.NONE, deliver(old, T0 + 1100));
    assertInSync(a);
    Outcome same = deliver(a.snapshot(T0 + 1200), T0 + 1200);
    assertTrue(same.changes().isEmpty(), "a duplicate of the truth changes nothing");
    assertInSync(a);
  }

  @Test
  void aMemberThatLeavesTakesItsNodesDownAndTheirSocketsStay() {
    SyntheticNode a = synced("a", "m1", T0);
    SyntheticNode b = synced("b", "m1", T0);
    SyntheticNode c = synced("c", "m2", T0);
    Outcome o = hub.memberLeft("m1", T0 + 500);
    assertEquals(
        List.of(
            new StatusChange("a", NodeStatus.DOWN, T0 + 500, "left the cluster"),
            new StatusChange("b", NodeStatus.DOWN, T0 + 500, "left the cluster")),
        o.statusChanges());
    assertFalse(hub.node("a").live());
    assertEquals(a.table(), hubTable(hub, "a"), "last seen");
    assertEquals(b.table(), hubTable(hub, "b"));
    assertTrue(hub.node("c").live());
    assertEquals(Outcome.NONE, hub.memberLeft("m1", T0 + 600), "once per transition");
    assertEquals(Outcome.NONE, hub.memberLeft("m3", T0 + 600));
    assertEquals(Outcome.NONE, hub.tick(T0 + 600), "down already: tick says nothing more");
    Outcome back = heartbeat(a, T0 + 700);
    assertEquals(
        List.of(new StatusChange("a", NodeStatus.UP, T0 + 700, "heartbeats again")),
        back.statusChanges());
    assertNull(back.resyncNode(), "the same run at the seq held: nothing was missed");
    assertInSync(a);
    changes(b, T0 + 800); // b published changes the hub never got while it was down
    Outcome bBack = heartbeat(b, T0 + 900);
    assertEquals("b", bBack.resyncNode(), "its seq is ahead of the one held: a snapshot");
    deliver(b.snapshot(T0 + 1000), T0 + 1000);
    assertInSync(b);
    assertEquals(c.table(), hubTable(hub, "c"));
  }

  @Test
  void aSilentNodeGoesDownAfterDownAfterAndComesBackWithAResync() {
    SyntheticNode a = synced("a", "m1", T0);
    assertEquals(Outcome.NONE, hub.tick(T0 + 3000), "3 s is not more than downAfter");
    Outcome down = hub.tick(T0 + 4500);
    assertEquals(
        List.of(new StatusChange("a", NodeStatus.DOWN, T0 + 4500, "no heartbeat for 4 s")),
        down.statusChanges());
    assertEquals(Outcome.NONE, hub.tick(T0 + 5500));
    assertEquals(NodeStatus.DOWN, hub.node("a").status());
    assertEquals("no heartbeat for 4 s", hub.node("a").statusReason());
    assertEquals(T0 + 4500, hub.node("a").statusSinceMillis());
    Outcome up = heartbeat(a, T0 + 6000);
    assertEquals(
        List.of(new StatusChange("a", NodeStatus.UP, T0 + 6000, "heartbeats again")),
        up.statusChanges());
    assertNull(up.resyncNode(), "silent, but it published nothing the hub lacks");
    assertInSync(a);
    hub.tick(T0 + 10_000);
    batch(a, changes(a, T0 + 10_500), T0 + 10_500); // a batch of a down node is still applied
    assertNull(heartbeat(a, T0 + 11_000).resyncNode());
    assertInSync(a);
    hub.tick(T0 + 15_000);
    changes(a, T0 + 15_500); // lost on the way
    assertEquals("a", heartbeat(a, T0 + 16_000).resyncNode());
    deliver(a.snapshot(T0 + 16_100), T0 + 16_100);
    assertInSync(a);
  }

  @Test
  void aNodeThatRestartedWhileDownSaysSo() {
    SyntheticNode a = synced("a", "m1", T0);
    hub.tick(T0 + 10_000);
    a.restart((T0 + 11_000) * 1000, 3);
    Outcome up = heartbeat(a, T0 + 11_000);
    assertEquals(
        List.of(new StatusChange("a", NodeStatus.UP, T0 + 11_000, "restarted")),
        up.statusChanges());
    assertEquals("a", up.resyncNode());
  }

  @Test
  void aRestartWhoseBatchComesBeforeItsHeartbeatIsStillARestart() {
    SyntheticNode a = synced("a", "m1", T0);
    hub.tick(T0 + 10_000); // down
    a.restart((T0 + 11_000) * 1000, 3);
    // The new run's first batch (replayed on connecting) comes first: the hub resyncs it...
    assertEquals("a", batch(a, changes(a, T0 + 11_000), T0 + 11_000).resyncNode());
    deliver(a.snapshot(T0 + 11_100), T0 + 11_100);
    // ...so its heartbeat names the run the hub now holds; the node still restarted.
    Outcome up = heartbeat(a, T0 + 11_200);
    assertEquals(
        List.of(new StatusChange("a", NodeStatus.UP, T0 + 11_200, "restarted")),
        up.statusChanges());
  }

  @Test
  void aNodeWithAnOldSampleIsStaleUntilItSamplesAgain() {
    SyntheticNode a = synced("a", "m1", T0);
    Outcome stale = hub.heartbeat(facts(a), a.epoch(), a.lastSeq(), T0, T0 + 7000);
    assertEquals(
        List.of(new StatusChange("a", NodeStatus.STALE, T0 + 7000, "no sample for 7 s")),
        stale.statusChanges());
    assertNull(stale.resyncNode());
    assertTrue(hub.node("a").live());
    assertEquals(Outcome.NONE, hub.tick(T0 + 7500), "once per transition");
    assertEquals(Outcome.NONE, hub.heartbeat(facts(a), a.epoch(), a.lastSeq(), T0, T0 + 8000));
    Outcome fresh = hub.heartbeat(facts(a), a.epoch(), a.lastSeq(), T0 + 8500, T0 + 9000);
    assertEquals(
        List.of(new StatusChange("a", NodeStatus.UP, T0 + 9000, "sampling again")),
        fresh.statusChanges());
    assertEquals(NodeStatus.UP, hub.node("a").status());
  }

  @Test
  void aNodeThatSamplesSlowlyIsStaleOnlyAfterThreeOfItsIntervals() {
    SyntheticNode a = synced("a", "m1", T0);
    NodeFacts slow =
        NodeFacts.builder("a")
            .clusterNodeId("m1")
            .role("agent")
            .reader("proc")
            .intervalMillis(10_000)
            .startedAtMillis(0)
            .kernel("6.1")
            .addresses(List.of())
            .build();
    assertEquals(
        List.of(),
        hub.heartbeat(slow, a.epoch(), a.lastSeq(), T0, T0 + 9000).statusChanges(),
        "9 s after its last sample, a node sampling every 10 s is up");
    assertEquals(NodeStatus.UP, hub.node("a").status());
    Outcome o = hub.heartbeat(slow, a.epoch(), a.lastSeq(), T0, T0 + 31_000);
    assertEquals(
        List.of(new StatusChange("a", NodeStatus.STALE, T0 + 31_000, "no sample for 31 s")),
        o.statusChanges());
  }

  @Test
  void theHubsOwnPauseIsNoNodesSilence() {
    SyntheticNode a = synced("a", "m1", T0);
    SyntheticNode b = synced("b", "m1", T0);
    // The hub stops for 10 s (a long GC): heartbeats wait unread meanwhile.
    hub.hubPaused(10_000);
    assertEquals(Outcome.NONE, hub.tick(T0 + 10_500), "neither went down nor stale");
    assertEquals(NodeStatus.UP, hub.node("a").status());
    // a's queued heartbeat is read; b was killed before the pause and stays silent.
    heartbeat(a, T0 + 10_600);
    assertEquals(Outcome.NONE, hub.tick(T0 + 13_000), "b: 3 s of its own silence");
    heartbeat(a, T0 + 13_000);
    Outcome down = hub.tick(T0 + 14_500);
    assertEquals(
        List.of(new StatusChange("b", NodeStatus.DOWN, T0 + 14_500, "no heartbeat for 4 s")),
        down.statusChanges(),
        "b's silence without the hub's pause");
    assertEquals(NodeStatus.UP, hub.node("a").status());
    // Once heard, a node's credit is gone: a's silence from now on is its own.
    Outcome aDown = hub.tick(T0 + 16_100);
    assertEquals(
        List.of(new StatusChange("a", NodeStatus.DOWN, T0 + 16_100, "no heartbeat for 3 s")),
        aDown.statusChanges());
    assertEquals(NodeStatus.DOWN, hub.node("b").status());
  }

  @Test
  void tickFindsAStaleSample() {
    SyntheticNode a = synced("a", "m1", T0);
    assertEquals(Outcome.NONE, hub.heartbeat(facts(a), a.epoch(), a.lastSeq(), T0, T0 + 4000));
    Outcome o = hub.tick(T0 + 5500); // heard from 1.5 s ago, but its last sample is 5.5 s old
    assertEquals(
        List.of(new StatusChange("a", NodeStatus.STALE, T0 + 5500, "no sample for 5 s")),
        o.statusChanges());
    assertEquals(NodeStatus.STALE, hub.node("a").status());
  }

  @Test
  void viewsAndSnapshotsAreCachedUntilTheNodeChanges() {
    SyntheticNode a = synced("a", "m1", T0);
    NodeView v1 = hub.node("a");
    NodeSnapshot s1 = v1.snapshot();
    s1.sorted();
    assertSame(v1, hub.node("a"));
    assertSame(v1, hub.nodes().getFirst());
    heartbeat(a, T0 + 1000);
    NodeView v2 = hub.node("a");
    assertNotSame(v1, v2, "the heartbeat time changed");
    assertEquals(T0 + 1000, v2.lastHeartbeatMillis());
    assertSame(s1, v2.snapshot(), "the sockets did not: the snapshot and its indexes stay");
    batch(a, changes(a, T0 + 2000), T0 + 2000);
    assertNotSame(s1, hub.node("a").snapshot());
    assertEquals(a.lastSeq(), hub.node("a").snapshot().seq());
  }

  @Test
  void nodesAreListedByName() {
    synced("c", "m1", T0);
    synced("a", "m1", T0);
    synced("b", "m2", T0);
    assertEquals(List.of("a", "b", "c"), hub.nodes().stream().map(NodeView::name).toList());
  }

  @Test
  void aBatchFromANodeTheHubDoesNotKnowMakesItJoin() {
    SyntheticNode a = agent("a", "m1", 5);
    List<SocketChange> b = changes(a, T0);
    Outcome o = batch(a, b, T0);
    assertEquals("a", o.resyncNode());
    assertEquals(NodeStatus.UP, o.statusChanges().getFirst().status());
    assertEquals("a", hub.node("a").facts().node());
    deliver(a.snapshot(T0 + 100), T0 + 100);
    assertInSync(a);
    heartbeat(a, T0 + 200);
    assertEquals("m1", hub.node("a").facts().clusterNodeId());
  }
}
