package dev.portolan.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.cluster.ClusterFixture;
import dev.portolan.sampling.EventId;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The change feed across a restart of the process that serves it: a real Portolan JVM ({@code
 * --role all}: the same fleet aggregator, history and feed as a hub, fed by its own sampler rather
 * than agents, so that the changes are this test's real listeners) killed with SIGKILL and started
 * again on the same port. Clients resuming with {@code Last-Event-ID} within a run get exactly what
 * they missed; a client with an id of the previous run gets {@code event: reset}, then live events,
 * also when the number in its id is one the new run has written.
 */
class HubRestartFeedTest {
  private static final String NODE = "hub-restart";
  private static final Duration START = Duration.ofSeconds(45);
  private static final Duration DEADLINE = Duration.ofSeconds(15);

  /** Only this test's listeners: every other socket of the host is somebody else's. */
  private static final String FEED =
      "/api/v1/events?listening=true&proto=tcp&pid=" + ProcessHandle.current().pid();

  private final List<AutoCloseable> open = new ArrayList<>();
  private NodeProcess hub;

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : open.reversed()) {
      c.close();
    }
    if (hub != null) {
      hub.close();
    }
  }

  @Test
  void clientsResumeExactlyWithinARunAndGetAResetForAnIdOfThePreviousRun() throws Exception {
    int port = ClusterFixture.freePort();
    List<String> args = List.of("--http-port", Integer.toString(port), "--interval", "100ms");
    hub = NodeProcess.start("hub-run-1", NODE, args);
    hub.awaitServing(START);

    // Run 1: a client that left and comes back gets exactly what it missed.
    String runOneId = resumesExactly(port, "run 1");

    // kill -9, and the same hub again on the same port.
    SseTap stranded = keep(SseTap.open(port, FEED, runOneId));
    long killed = System.nanoTime();
    hub.kill9();
    Await.until(
        "the feed's connection broken by the kill", DEADLINE, () -> stranded.ended() ? true : null);
    hub = NodeProcess.start("hub-run-2", NODE, args);
    hub.awaitServing(START);
    long serving = System.nanoTime();
    // As EventSource does: reconnect with the last id it had, until something serves.
    SseTap back = keep(SseTap.openWhenServing(port, FEED, runOneId, DEADLINE));
    SseTap.Event reset =
        Await.until(
            "a reset for the previous run's id",
            DEADLINE,
            () -> back.events().isEmpty() ? null : back.events().getFirst());
    long resetAt = System.nanoTime();
    assertEquals("reset", reset.event(), "the first event after the restart: " + reset);
    JsonObject why = new JsonObject(reset.data());
    String runTwo = why.getString("run");
    assertNotEquals(EventId.parse(runOneId).run(), runTwo, "a new run");
    assertTrue(why.getString("reason").contains("another run"), why.encode());
    assertEquals(
        runTwo, EventId.parse(reset.id()).run(), "the reset's id is of the new run: " + reset.id());
    // ...then live events.
    try (ServerSocket live = listener()) {
      Await.until(
          "a live event after the reset",
          DEADLINE,
          () -> opened(back, live.getLocalPort()) ? true : null);
    }

    // An id of run 1 whose number run 2 has written is still a reset: the run, not the number,
    // decides.
    long current =
        EventId.parse(Await.until("run 2 has written ids", DEADLINE, back::lastId)).seq();
    String forged = EventId.parse(runOneId).run() + ":" + current;
    SseTap misread = keep(SseTap.open(port, FEED, forged));
    SseTap.Event first =
        Await.until(
            "an answer to a run-1 id with a run-2 number",
            DEADLINE,
            () -> misread.events().isEmpty() ? null : misread.events().getFirst());
    assertEquals(
        "reset", first.event(), forged + " must not be read as run 2's " + runTwo + ":" + current);

    // Run 2: resuming within its history is exact again.
    resumesExactly(port, "run 2");
    System.out.printf(
        "hub restart: SIGKILL -> new run serving %d ms; -> client reconnected with its old id and told"
            + " to reset %d ms%n",
        (serving - killed) / 1_000_000, (resetAt - killed) / 1_000_000);
  }

  /**
   * A reference client reads throughout; another reads one change, leaves, misses some, and comes
   * back with its last id: it gets exactly the reference's changes after that id, in order, none
   * twice. Returns an id of the run.
   */
  private String resumesExactly(int port, String run) throws Exception {
    SseTap reference = keep(SseTap.open(port, FEED, null));
    SseTap leaving = keep(SseTap.open(port, FEED, null));
    try (ServerSocket a = listener()) {
      Await.until(
          run + ": both clients see a change",
          DEADLINE,
          () ->
              opened(reference, a.getLocalPort()) && opened(leaving, a.getLocalPort())
                  ? true
                  : null);
      String leftAt = leaving.lastId();
      leaving.close();
      ServerSocket b = listener();
      ServerSocket c = listener();
      // Each change seen by a sample before the next (a listener opened and closed between two
      // samples would be
      // a short-lived socket, not an opening and a closing).
      Await.until(
          run + ": b and c opened",
          DEADLINE,
          () ->
              opened(reference, b.getLocalPort()) && opened(reference, c.getLocalPort())
                  ? true
                  : null);
      b.close();
      a.close();
      Await.until(
          run + ": the reference client sees what the other missed",
          DEADLINE,
          () ->
              opened(reference, c.getLocalPort())
                      && closed(reference, b.getLocalPort())
                      && closed(reference, a.getLocalPort())
                  ? true
                  : null);
      String upTo = reference.lastId();
      long resumeFrom = System.nanoTime();
      SseTap resumed = keep(SseTap.open(port, FEED, leftAt));
      Await.until(
          run + ": the resumed client has caught up to " + upTo,
          DEADLINE,
          () -> resumed.changes().stream().anyMatch(e -> e.id().equals(upTo)) ? true : null);
      long caughtUp = System.nanoTime();
      List<String> missed = idsBetween(reference.changes(), leftAt, upTo);
      List<String> replayed = idsBetween(resumed.changes(), leftAt, upTo);
      assertTrue(missed.size() >= 4, run + ": b opened and closed, c opened, a closed: " + missed);
      assertEquals(missed, replayed, run + ": exactly the missed changes, in order");
      assertEquals(
          missed,
          resumed.changes().stream().map(SseTap.Event::id).limit(missed.size()).toList(),
          run + ": nothing before or between them");
      assertFalse(
          resumed.events().stream().anyMatch(e -> e.event().equals("reset")), run + ": no reset");
      System.out.printf(
          "hub restart, %s: resumed after %s, %d missed changes replayed in %d ms%n",
          run, leftAt, missed.size(), (caughtUp - resumeFrom) / 1_000_000);
      c.close();
      return upTo;
    }
  }

  /**
   * Ids after {@code after}, up to and with {@code upTo}, in the order received; they grow, none
   * twice.
   */
  private static List<String> idsBetween(List<SseTap.Event> events, String after, String upTo) {
    long from = EventId.parse(after).seq();
    long to = EventId.parse(upTo).seq();
    List<String> ids = new ArrayList<>();
    long last = from;
    for (SseTap.Event e : events) {
      long seq = EventId.parse(e.id()).seq();
      if (seq > from && seq <= to) {
        assertTrue(seq > last, "ids grow, none twice: " + e.id() + " after " + last);
        last = seq;
        ids.add(e.id());
      }
    }
    return ids;
  }

  private static boolean opened(SseTap tap, int port) {
    return has(tap, "socket-opened", port);
  }

  private static boolean closed(SseTap tap, int port) {
    return has(tap, "socket-closed", port);
  }

  private static boolean has(SseTap tap, String event, int port) {
    return tap.events().stream()
        .anyMatch(
            e ->
                e.event().equals(event)
                    && new JsonObject(e.data()).getInteger("localPort", -1) == port);
  }

  private ServerSocket listener() throws Exception {
    ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    open.add(s);
    return s;
  }

  private SseTap keep(SseTap tap) {
    open.add(tap);
    return tap;
  }
}
