package dev.portolan.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.bus.ConnectivityReply;
import dev.portolan.bus.ConnectivityRequest;
import dev.portolan.http.InvalidQueryException;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The reachability matrix's parsing, its rows from answers and failures, and the merge: no node
 * involved.
 */
class ReachabilityTest {
  private static ConnectivityReply answer(String node, String status, double millis) {
    return ConnectivityReply.fromJson(
        new JsonObject()
            .put("node", node)
            .put("host", "db")
            .put("address", "10.0.0.5")
            .put("port", 5432)
            .put("status", status)
            .put("connected", status.equals("connected"))
            .put("elapsedMillis", millis)
            .put("localAddress", "10.0.0.9")
            .put("localPort", 40000)
            .put("reason", status + " because"));
  }

  @Test
  void anAnswerBecomesItsRow() {
    Reachability.Row r =
        Reachability.row("web-1", 13_000, answer("web-1", "connected", 1.25), null);
    assertEquals(
        new Reachability.Row(
            "web-1", "connected", "connected because", 1.25, "10.0.0.5", "10.0.0.9", true),
        r);
    assertTrue(r.connected());
    JsonObject j = r.toJson();
    assertEquals("web-1", j.getString("node"));
    assertEquals(1.25, j.getDouble("elapsedMillis"), "connectivity's name for it");
    assertEquals(1.25, j.getDouble("millis"), "the deprecated alias");
    assertTrue(j.getBoolean("answered"));
    Reachability.Row refused =
        Reachability.row("web-2", 13_000, answer("web-2", "refused", 0.4), null);
    assertEquals("refused", refused.status());
    assertFalse(refused.connected());
  }

  @Test
  void aPolicyRefusalIsACellNotAFailure() {
    Reachability.Row r =
        Reachability.row(
            "db-1",
            13_000,
            null,
            new NodeRequests.Refused(
                403,
                "target not allowed",
                "203.0.113.9 is not allowed: ... e.g. scanAllow=203.0.113.9"));
    assertEquals("not-allowed", r.status());
    assertEquals(
        "not allowed by db-1's policy: 203.0.113.9 is not allowed: ... e.g. scanAllow=203.0.113.9",
        r.reason());
    assertTrue(r.answered());
    assertNull(r.millis());

    Reachability.Row unresolved =
        Reachability.row(
            "db-1",
            13_000,
            null,
            new NodeRequests.Refused(400, "unknown host", "'db.internal' does not resolve"));
    assertEquals("error", unresolved.status());
    assertEquals("Unknown host on db-1: 'db.internal' does not resolve", unresolved.reason());
    assertTrue(unresolved.answered());
  }

  @Test
  void aNodeThatDoesNotAnswerOrHasLeftIsACellToo() {
    Reachability.Row silent =
        Reachability.row(
            "web-3", 13_000, null, new ReplyException(ReplyFailure.TIMEOUT, "timed out"));
    assertEquals("error", silent.status());
    assertFalse(silent.answered());
    assertEquals(
        "no answer: web-3 did not answer within 13 s (busy, or cut off from this hub)",
        silent.reason());
    assertTrue(
        Reachability.row("web-3", 3_500, null, new ReplyException(ReplyFailure.TIMEOUT, "t"))
            .reason()
            .contains("within 3.5 s"));

    Reachability.Row gone =
        Reachability.row(
            "web-4", 13_000, null, new ReplyException(ReplyFailure.NO_HANDLERS, "none"));
    assertEquals("node-down", gone.status());
    assertFalse(gone.answered());

    Reachability.Row crashed =
        Reachability.row(
            "web-5",
            13_000,
            null,
            new ReplyException(ReplyFailure.RECIPIENT_FAILURE, 500, "check failed: boom"));
    assertEquals("error", crashed.status());
    assertTrue(crashed.reason().contains("boom"), crashed.reason());

    Reachability.Row down = Reachability.down("web-6", "no heartbeat for 5 s");
    assertEquals("node-down", down.status());
    assertEquals("web-6 is down (no heartbeat for 5 s): it was not asked", down.reason());
  }

  @Test
  void theMergeSortsByNodeAndCountsTheNodesThatConnected() {
    List<Reachability.Row> rows =
        List.of(
            Reachability.row("web-2", 13_000, answer("web-2", "timeout", 3000), null),
            Reachability.row("db-1", 13_000, answer("db-1", "connected", 0.3), null),
            Reachability.down("cache-1", null),
            Reachability.row("web-1", 13_000, answer("web-1", "connected", 0.9), null));
    JsonObject m = Reachability.merge("db.internal", 5432, 3000, rows).toJson();
    assertEquals(
        List.of("host", "port", "timeoutMillis", "results", "reachableFrom", "of"),
        List.copyOf(m.fieldNames()));
    assertEquals("db.internal", m.getString("host"));
    assertEquals(5432, m.getInteger("port"));
    assertEquals(3000, m.getLong("timeoutMillis"));
    assertEquals(2, m.getInteger("reachableFrom"));
    assertEquals(4, m.getInteger("of"));
    JsonArray results = m.getJsonArray("results");
    assertEquals(
        List.of("cache-1", "db-1", "web-1", "web-2"),
        results.stream().map(o -> ((JsonObject) o).getString("node")).toList());
    assertEquals(
        List.of("node-down", "connected", "connected", "timeout"),
        results.stream().map(o -> ((JsonObject) o).getString("status")).toList());

    JsonObject none = Reachability.merge("db.internal", 5432, 3000, List.of()).toJson();
    assertEquals(0, none.getInteger("reachableFrom"));
    assertEquals(0, none.getInteger("of"));
    assertTrue(none.getJsonArray("results").isEmpty());
  }

  @Test
  void parsingTakesHostPortTimeoutAndNodes() {
    Reachability.Request r =
        Reachability.parse(new JsonObject().put("host", " db.internal ").put("port", 5432));
    assertEquals(
        new ConnectivityRequest("db.internal", 5432, ConnectivityRequest.DEFAULT_TIMEOUT_MILLIS),
        r.check());
    assertNull(r.nodes(), "every live node");
    Reachability.Request named =
        Reachability.parse(
            new JsonObject()
                .put("host", "10.0.0.5")
                .put("port", "80")
                .put("timeoutMillis", 500)
                .put("nodes", new JsonArray().add("b").add("a").add("b")));
    assertEquals(List.of("b", "a"), named.nodes(), "as given, duplicates once");
    assertEquals(500, named.check().timeoutMillis());
  }

  @Test
  void badQuestionsAreRefusedWithTheReason() {
    record Bad(JsonObject body, String error) {}
    JsonObject ok = new JsonObject().put("host", "127.0.0.1").put("port", 80);
    for (Bad b :
        List.of(
            new Bad(new JsonObject().put("port", 80), "missing host"),
            new Bad(new JsonObject().put("host", "").put("port", 80), "missing host"),
            new Bad(new JsonObject().put("host", "127.0.0.1"), "missing port"),
            new Bad(ok.copy().put("port", 0), "invalid port"),
            new Bad(ok.copy().put("port", 70000), "invalid port"),
            new Bad(ok.copy().put("port", "http"), "invalid port"),
            new Bad(ok.copy().put("timeoutMillis", 10), "invalid timeoutMillis"),
            new Bad(ok.copy().put("host", "10.0.0.0/8"), "invalid host"),
            new Bad(ok.copy().put("host", "a b"), "invalid host"),
            new Bad(ok.copy().put("nodes", new JsonArray()), "invalid nodes"),
            new Bad(ok.copy().put("nodes", "web-1"), "invalid nodes"),
            new Bad(ok.copy().put("nodes", new JsonArray().add(1)), "invalid nodes"),
            new Bad(ok.copy().put("nodes", new JsonArray().add(" ")), "invalid nodes"),
            new Bad(ok.copy().put("node", "web-1"), "unknown field"))) {
      InvalidQueryException e =
          assertThrows(
              InvalidQueryException.class, () -> Reachability.parse(b.body()), b.body().encode());
      assertEquals(b.error(), e.error(), b.body().encode() + ": " + e.detail());
      assertFalse(e.detail().isBlank());
    }
  }
}
