package dev.portolan.verticles;

import static dev.portolan.verticles.BusAsk.answers;
import static dev.portolan.verticles.BusAsk.ask;
import static dev.portolan.verticles.BusAsk.refuses;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.bus.Addresses;
import dev.portolan.bus.NodeInfo;
import dev.portolan.owner.OwnerIndex;
import dev.portolan.sampling.Sampler;
import dev.portolan.sampling.SnapshotHolder;
import dev.portolan.service.ServiceNames;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract of {@link SocketQueryVerticle} alone on an event bus: its per-node addresses answer
 * pages, the summary, the node's description, port checks and the snapshot from the holder it was
 * given; a bad query is a 400.
 */
@ExtendWith(VertxExtension.class)
class SocketQueryVerticleTest {
  private static final String NODE = "query-node";
  private static final String EPOCH = "epoch-1";

  private final SnapshotHolder latest = new SnapshotHolder(NODE);

  @BeforeEach
  void sampled(Vertx vertx, VertxTestContext ctx, @TempDir Path noProcesses) throws Exception {
    FixedTable table =
        new FixedTable(
            List.of(
                FixedTable.listener(5432, 101),
                FixedTable.listener(8080, 102),
                FixedTable.connection(5432, 40001, 103),
                FixedTable.udp(53, 104)));
    // A real sampler over the fixed table; an owner index over an empty proc root (owners:
    // unknown).
    Sampler.Result first =
        new Sampler(NODE, table, OwnerIndex.create(noProcesses), () -> 1_000L).sample();
    latest.set(first.snapshot());
    latest.published(first.snapshot().seq());
    vertx
        .deployVerticle(
            new SocketQueryVerticle(
                latest, ServiceNames.create(), new NodeInfo(NODE, "fixed", 1000), EPOCH),
            new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void pagesTheLatestSnapshot(Vertx vertx, VertxTestContext ctx) {
    Checkpoint done = ctx.checkpoint(3);
    String address = Addresses.onNode(NODE, Addresses.SOCKETS_QUERY);
    answers(
        ctx,
        done,
        ask(vertx, address, query()),
        page -> {
          assertEquals(NODE, page.getString("node"));
          assertEquals(latest.get().seq(), page.getLong("seq"));
          assertEquals(4, page.getInteger("matched"));
          assertEquals(4, page.getJsonArray("sockets").size());
          assertEquals(null, page.getString("nextCursor"));
        });
    answers(
        ctx,
        done,
        ask(vertx, address, query().put("listening", true)),
        page -> {
          assertEquals(
              3,
              page.getInteger(
                  "matched")); // the two TCP listeners and the unconnected UDP socket, as ss -l
          for (Object row : page.getJsonArray("sockets")) {
            assertTrue(((JsonObject) row).getBoolean("listening"), row.toString());
          }
        });
    // One row a page: the cursor leads to the next row.
    answers(
        ctx,
        done,
        ask(vertx, address, query().put("limit", 1))
            .compose(
                first -> {
                  assertEquals(1, first.getInteger("count"));
                  assertNotNull(first.getString("nextCursor"));
                  return ask(
                          vertx,
                          address,
                          query().put("limit", 1).put("cursor", first.getString("nextCursor")))
                      .map(
                          second ->
                              second.put(
                                  "firstInode",
                                  first.getJsonArray("sockets").getJsonObject(0).getLong("inode")));
                }),
        second -> {
          assertEquals(1, second.getInteger("count"));
          assertFalse(
              second
                  .getLong("firstInode")
                  .equals(second.getJsonArray("sockets").getJsonObject(0).getLong("inode")));
        });
  }

  /** A query as the web verticle sends it: its limit always given (it checked it: 1 to 1000). */
  private static JsonObject query() {
    return new JsonObject().put("limit", 100);
  }

  @Test
  void aCursorThatIsNotOneIsA400(Vertx vertx, VertxTestContext ctx) {
    Checkpoint done = ctx.checkpoint();
    refuses(
        ctx,
        done,
        ask(
            vertx,
            Addresses.onNode(NODE, Addresses.SOCKETS_QUERY),
            query().put("cursor", "not-a-cursor")),
        400,
        "invalid cursor");
  }

  @Test
  void answersTheSummaryTheNodeAndTheSnapshot(Vertx vertx, VertxTestContext ctx) {
    Checkpoint done = ctx.checkpoint(3);
    answers(
        ctx,
        done,
        ask(vertx, Addresses.onNode(NODE, Addresses.SUMMARY), new JsonObject()),
        summary -> {
          assertEquals(NODE, summary.getString("node"));
          assertEquals(4, summary.getInteger("total"));
          assertEquals(
              2, summary.getJsonObject("tcpStates").getInteger("listen"), summary.encode());
          assertEquals(1, summary.getJsonArray("trend").size());
        });
    answers(
        ctx,
        done,
        ask(vertx, Addresses.onNode(NODE, Addresses.NODE_INFO), new JsonObject()),
        info -> {
          assertEquals(NODE, info.getString("name"), info.encode());
          assertEquals(4, info.getJsonObject("sockets").getInteger("total"), info.encode());
          assertEquals("fixed", info.getString("reader"), info.encode());
        });
    answers(
        ctx,
        done,
        ask(vertx, Addresses.onNode(NODE, Addresses.SNAPSHOT), new JsonObject()),
        snapshot -> {
          assertEquals(NODE, snapshot.getString("node"));
          assertEquals(EPOCH, snapshot.getString("epoch"));
          assertEquals(latest.get().seq(), snapshot.getLong("seq"));
          assertEquals(1_000L, snapshot.getLong("takenAt"));
          JsonArray rows = snapshot.getJsonArray("sockets");
          assertEquals(4, rows.size());
        });
  }

  @Test
  void checksAPort(Vertx vertx, VertxTestContext ctx) {
    Checkpoint done = ctx.checkpoint(2);
    String address = Addresses.onNode(NODE, Addresses.PORT_CHECK);
    answers(
        ctx,
        done,
        ask(vertx, address, new JsonObject().put("proto", "tcp").put("port", 5432)),
        check -> {
          assertEquals(NODE, check.getString("node"));
          assertTrue(check.getBoolean("listening"));
          assertEquals(1, check.getJsonArray("listeners").size());
          assertEquals(1, check.getInteger("connections"));
        });
    answers(
        ctx,
        done,
        ask(vertx, address, new JsonObject().put("proto", "tcp").put("port", 9)),
        check -> {
          assertFalse(check.getBoolean("listening"));
          assertEquals(0, check.getJsonArray("listeners").size());
        });
  }
}
