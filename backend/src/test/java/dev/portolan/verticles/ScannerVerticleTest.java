package dev.portolan.verticles;

import static dev.portolan.verticles.BusAsk.answers;
import static dev.portolan.verticles.BusAsk.ask;
import static dev.portolan.verticles.BusAsk.refuses;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.Portolan;
import dev.portolan.bus.Addresses;
import dev.portolan.metrics.PortolanMetrics;
import dev.portolan.scan.ScanEngine;
import dev.portolan.scan.ScanRegistry;
import dev.portolan.scan.policy.ScanPolicy;
import dev.portolan.scan.policy.ScanPolicySettings;
import dev.portolan.service.ServiceNames;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The contract of {@link ScannerVerticle} alone on an event bus (a worker, as the node deploys it),
 * with the real scan engine against a real listener on loopback: a scan starts and ends with its
 * port open, a bad request is a 400, a target outside the policy a 403, an unknown scan id a 404;
 * the policy is read and changed; a connectivity check connects.
 */
@ExtendWith(VertxExtension.class)
class ScannerVerticleTest {
  private static final String NODE = "scan-node";

  private ServerSocket listener;

  @BeforeEach
  void deployed(Vertx vertx, VertxTestContext ctx) throws Exception {
    listener = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
    // Loopback is always allowed; no other address is this node's own, none is allowed besides.
    ScanPolicy policy =
        ScanPolicy.create(ScanPolicySettings.defaults(), ScanPolicy.Resolver.SYSTEM, List::of);
    ScanRegistry scans =
        new ScanRegistry(
            ScanEngine.create(), NODE, policy.maxConcurrent(), 50, System::currentTimeMillis);
    vertx
        .deployVerticle(
            new ScannerVerticle(
                NODE,
                policy,
                scans,
                ServiceNames.create(),
                new PortolanMetrics(Portolan.newRegistry(), NODE, "none")),
            new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER))
        .onComplete(ctx.succeedingThenComplete());
  }

  @AfterEach
  void closed() throws Exception {
    listener.close();
  }

  private static JsonObject scan(String target, String ports) {
    return new JsonObject().put("target", target).put("ports", ports).put("proto", "tcp");
  }

  @Test
  void aScanRunsToItsEndAndFindsTheListener(Vertx vertx, VertxTestContext ctx) {
    Checkpoint done = ctx.checkpoint();
    int port = listener.getLocalPort();
    Future<JsonObject> finished =
        ask(vertx, Addresses.onNode(NODE, Addresses.SCAN_START), scan("127.0.0.1", "" + port))
            .compose(
                started -> {
                  assertEquals(NODE, started.getString("node"));
                  assertEquals(1, started.getInteger("total"));
                  String id = started.getString("id");
                  assertNotNull(id);
                  return ended(vertx, id)
                      .compose(
                          v ->
                              ask(
                                  vertx,
                                  Addresses.onNode(NODE, Addresses.SCAN_STATUS),
                                  new JsonObject().put("id", id).put("results", true)));
                });
    answers(
        ctx,
        done,
        finished,
        status -> {
          assertEquals("completed", status.getString("status"), status.encode());
          JsonArray results = status.getJsonArray("results");
          assertTrue(
              results.stream()
                  .map(JsonObject.class::cast)
                  .anyMatch(
                      r -> r.getInteger("port") == port && "open".equals(r.getString("state"))),
              results.encode());
        });
  }

  /**
   * Completes when scan {@code id} has ended: its "done" event on its address, or (if it ended
   * before that consumer was registered) its status says so.
   */
  private static Future<Void> ended(Vertx vertx, String id) {
    Promise<Void> ended = Promise.promise();
    MessageConsumer<JsonObject> events =
        vertx
            .eventBus()
            .consumer(
                Addresses.scanEvents(id),
                msg -> {
                  if ("done".equals(msg.body().getString("type"))) {
                    ended.tryComplete();
                  }
                });
    events
        .completion()
        .compose(
            v ->
                ask(
                    vertx,
                    Addresses.onNode(NODE, Addresses.SCAN_STATUS),
                    new JsonObject().put("id", id)))
        .onSuccess(
            status -> {
              if (!"running".equals(status.getString("status"))) {
                ended.tryComplete();
              }
            })
        .onFailure(ended::tryFail);
    return ended.future().eventually(() -> events.unregister());
  }

  @Test
  void aBadScanRequestIsA400AndATargetOutsideThePolicyA403(Vertx vertx, VertxTestContext ctx) {
    Checkpoint done = ctx.checkpoint(4);
    String start = Addresses.onNode(NODE, Addresses.SCAN_START);
    refuses(ctx, done, ask(vertx, start, scan("", "80")), 400, "invalid target");
    refuses(ctx, done, ask(vertx, start, scan("a".repeat(300), "80")), 400, "invalid target");
    refuses(ctx, done, ask(vertx, start, scan("127.0.0.1", "70000")), 400, "invalid ports");
    refuses(
        ctx,
        done,
        ask(vertx, start, scan("192.0.2.1", "80")),
        403,
        "target not allowed: 192.0.2.1");
  }

  @Test
  void anUnknownScanIsA404(Vertx vertx, VertxTestContext ctx) {
    Checkpoint done = ctx.checkpoint(3);
    JsonObject unknown = new JsonObject().put("id", "0123456789ab");
    refuses(
        ctx,
        done,
        ask(vertx, Addresses.onNode(NODE, Addresses.SCAN_STATUS), unknown),
        404,
        "unknown scan");
    refuses(
        ctx,
        done,
        ask(vertx, Addresses.onNode(NODE, Addresses.SCAN_CANCEL), unknown),
        404,
        "unknown scan");
    answers(
        ctx,
        done,
        ask(vertx, Addresses.onNode(NODE, Addresses.SCAN_LIST), new JsonObject()),
        list -> {
          assertEquals(0, list.getJsonArray("scans").size());
          assertEquals(0, list.getInteger("running"));
        });
  }

  @Test
  void thePolicyIsReadAndChangedAndABadChangeIsA400(Vertx vertx, VertxTestContext ctx) {
    Checkpoint done = ctx.checkpoint(3);
    String address = Addresses.onNode(NODE, Addresses.SCAN_POLICY);
    answers(
        ctx,
        done,
        ask(vertx, address, new JsonObject()),
        policy -> {
          assertEquals(NODE, policy.getString("node"));
          assertEquals(ScanPolicySettings.DEFAULT_MAX_PORTS, policy.getInteger("maxPorts"));
          assertEquals(0, policy.getJsonArray("allow").size());
        });
    Future<JsonObject> changedThenRefused =
        ask(
                vertx,
                address,
                new JsonObject()
                    .put(
                        "change",
                        new JsonObject()
                            .put("allow", new JsonArray().add("192.0.2.0/24"))
                            .put("maxPorts", 100)))
            .compose(
                changed -> {
                  assertEquals(100, changed.getInteger("maxPorts"));
                  assertEquals(List.of("192.0.2.0/24"), changed.getJsonArray("allow").getList());
                  return ask(
                      vertx,
                      address,
                      new JsonObject().put("change", new JsonObject().put("maxPorts", "lots")));
                });
    refuses(ctx, done, changedThenRefused, 400, "invalid scan policy: ");
    // The refused change changed nothing.
    answers(
        ctx,
        done,
        changedThenRefused.transform(ar -> ask(vertx, address, new JsonObject())),
        policy -> assertEquals(100, policy.getInteger("maxPorts")));
  }

  @Test
  void aConnectivityCheckConnectsToTheListener(Vertx vertx, VertxTestContext ctx) {
    Checkpoint done = ctx.checkpoint(2);
    String address = Addresses.onNode(NODE, Addresses.CONNECTIVITY);
    answers(
        ctx,
        done,
        ask(
            vertx,
            address,
            new JsonObject()
                .put("host", "127.0.0.1")
                .put("port", listener.getLocalPort())
                .put("timeoutMillis", 2000)),
        check -> {
          assertEquals(NODE, check.getString("node"));
          assertEquals("connected", check.getString("status"), check.encode());
          assertTrue(check.getBoolean("connected"));
        });
    refuses(
        ctx,
        done,
        ask(vertx, address, new JsonObject().put("host", "192.0.2.1").put("port", 80)),
        403,
        "target not allowed: 192.0.2.1");
  }
}
