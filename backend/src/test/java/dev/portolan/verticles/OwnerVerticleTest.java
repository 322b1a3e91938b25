package dev.portolan.verticles;

import static dev.portolan.verticles.BusAsk.answers;
import static dev.portolan.verticles.BusAsk.ask;
import static dev.portolan.verticles.BusAsk.refuses;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.bus.Addresses;
import dev.portolan.owner.OwnerIndex;
import dev.portolan.sampling.Sampler;
import dev.portolan.sampling.SnapshotHolder;
import dev.portolan.service.ServiceNames;
import dev.portolan.socket.proc.ProcNetReader;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The contract of {@link OwnerVerticle} alone on an event bus, over this JVM's real sockets and
 * /proc: who owns a port, what a pid holds; an unknown pid is a 404, a query without a port or a
 * pid a 400.
 */
@ExtendWith(VertxExtension.class)
class OwnerVerticleTest {
  private static final String NODE = "owner-node";
  private static final int SELF = (int) ProcessHandle.current().pid();

  /** The kernel's pid_max limit: no process ever has it. */
  private static final int NO_PID = 4_194_304;

  private ServerSocket listener;

  @BeforeEach
  void deployed(Vertx vertx, VertxTestContext ctx) throws Exception {
    listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    OwnerIndex owners = OwnerIndex.create();
    SnapshotHolder latest = new SnapshotHolder(NODE);
    latest.set(
        new Sampler(NODE, ProcNetReader.create(), owners, System::currentTimeMillis)
            .sample()
            .snapshot());
    vertx
        .deployVerticle(
            new OwnerVerticle(latest, owners, ServiceNames.create(), () -> null),
            new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER))
        .onComplete(ctx.succeedingThenComplete());
  }

  @AfterEach
  void closed() throws Exception {
    listener.close();
  }

  @Test
  void saysWhoOwnsAPort(Vertx vertx, VertxTestContext ctx) {
    Checkpoint done = ctx.checkpoint(2);
    String address = Addresses.onNode(NODE, Addresses.OWNER_LOOKUP);
    answers(
        ctx,
        done,
        ask(
            vertx,
            address,
            new JsonObject().put("proto", "tcp").put("port", listener.getLocalPort())),
        port -> {
          assertEquals(NODE, port.getString("node"));
          assertEquals(listener.getLocalPort(), port.getInteger("port"));
          assertTrue(port.getBoolean("listening"));
          JsonArray sockets = port.getJsonArray("sockets");
          assertEquals(1, sockets.size(), sockets.encode());
          JsonObject owner = sockets.getJsonObject(0).getJsonObject("owner");
          assertEquals("process", owner.getString("status"), owner.encode());
          assertEquals(SELF, owner.getInteger("pid"), owner.encode());
        });
    answers(
        ctx,
        done,
        ask(
            vertx,
            address,
            new JsonObject().put("proto", "udp").put("port", listener.getLocalPort())),
        port -> {
          assertFalse(port.getBoolean("listening"));
          assertEquals(0, port.getJsonArray("sockets").size());
        });
  }

  @Test
  void saysWhatAPidHolds(Vertx vertx, VertxTestContext ctx) {
    Checkpoint done = ctx.checkpoint();
    answers(
        ctx,
        done,
        ask(
            vertx,
            Addresses.onNode(NODE, Addresses.OWNER_LOOKUP),
            new JsonObject().put("pid", SELF)),
        pid -> {
          assertEquals(SELF, pid.getJsonObject("process").getInteger("pid"));
          assertTrue(
              pid.getJsonArray("sockets").stream()
                  .map(JsonObject.class::cast)
                  .anyMatch(
                      s ->
                          s.getInteger("localPort", -1) == listener.getLocalPort()
                              && s.getBoolean("listening")),
              pid.getJsonArray("sockets").encode());
        });
  }

  @Test
  void anUnknownPidIsA404AndAQueryWithoutPortOrPidA400(Vertx vertx, VertxTestContext ctx) {
    Checkpoint done = ctx.checkpoint(3);
    String address = Addresses.onNode(NODE, Addresses.OWNER_LOOKUP);
    refuses(
        ctx,
        done,
        ask(vertx, address, new JsonObject().put("pid", NO_PID)),
        404,
        "no process " + NO_PID);
    refuses(ctx, done, ask(vertx, address, new JsonObject()), 400, "invalid owner query");
    refuses(
        ctx,
        done,
        ask(vertx, address, new JsonObject().put("proto", "tcp")),
        400,
        "invalid owner query");
  }
}
