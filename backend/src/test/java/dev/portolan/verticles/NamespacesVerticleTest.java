package dev.portolan.verticles;

import static dev.portolan.verticles.BusAsk.answers;
import static dev.portolan.verticles.BusAsk.ask;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.bus.Addresses;
import dev.portolan.bus.NamespacesReply;
import dev.portolan.netns.NodeNamespaces;
import dev.portolan.owner.OwnerIndex;
import dev.portolan.sampling.Sampler;
import dev.portolan.sampling.SnapshotHolder;
import dev.portolan.socket.SocketReaders;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract of {@link NamespacesVerticle} alone on an event bus: with namespaces off, the node's
 * own namespace (its real inode), its reader and the latest snapshot's sockets counted.
 */
@ExtendWith(VertxExtension.class)
class NamespacesVerticleTest {
  private static final String NODE = "ns-node";

  private final SnapshotHolder latest = new SnapshotHolder(NODE);
  private FixedTable table;

  @BeforeEach
  void sampled(Vertx vertx, VertxTestContext ctx, @TempDir Path noProcesses) throws Exception {
    table =
        new FixedTable(
            List.of(
                FixedTable.listener(5432, 101),
                FixedTable.listener(8080, 102),
                FixedTable.connection(5432, 40001, 103)));
    Sampler sampler =
        new Sampler(
            NODE,
            table,
            OwnerIndex.create(noProcesses),
            () -> 1_000L,
            null,
            NodeNamespaces.create(NodeNamespaces.Mode.OFF, SocketReaders.Setting.AUTO),
            null);
    Sampler.Result first = sampler.sample();
    latest.set(first.snapshot());
    latest.published(first.snapshot().seq());
    vertx
        .deployVerticle(
            new NamespacesVerticle(latest, sampler),
            new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void listsTheOwnNamespaceWithItsSocketsCounted(Vertx vertx, VertxTestContext ctx)
      throws Exception {
    long ownInode =
        Long.parseLong(
            Files.readSymbolicLink(Path.of("/proc/self/ns/net")).toString().replaceAll("\\D", ""));
    Checkpoint done = ctx.checkpoint();
    answers(
        ctx,
        done,
        ask(vertx, Addresses.onNode(NODE, Addresses.NAMESPACES), new JsonObject()),
        reply -> {
          assertEquals(NODE, reply.getString("node"));
          assertEquals("off (--namespaces off)", reply.getString("sampling"));
          JsonArray spaces = reply.getJsonArray("namespaces");
          assertEquals(1, spaces.size(), spaces.encode());
          JsonObject own = spaces.getJsonObject(0);
          assertEquals(ownInode, own.getLong("netns"));
          assertTrue(own.getBoolean("own"));
          assertFalse(own.containsKey("kind"), "not labelled while off: " + own.encode());
          assertEquals(table.name(), own.getString("reader"));
          assertEquals(
              new JsonObject().put("listening", 2).put("established", 1).put("total", 3),
              own.getJsonObject("sockets"));
          assertEquals(reply, NamespacesReply.fromJson(reply).toJson());
        });
  }
}
