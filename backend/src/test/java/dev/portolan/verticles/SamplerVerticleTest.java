package dev.portolan.verticles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.Portolan;
import dev.portolan.bus.Addresses;
import dev.portolan.bus.ChangeBatch;
import dev.portolan.metrics.PortolanMetrics;
import dev.portolan.owner.OwnerIndex;
import dev.portolan.sampling.Sampler;
import dev.portolan.sampling.SnapshotHolder;
import dev.portolan.service.ServiceNames;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract of {@link SamplerVerticle} alone on an event bus, sampling a fixed table: every
 * sample on {@link Addresses#SAMPLES}, changes on {@link Addresses#CHANGES} as the table changes,
 * the latest snapshot in the holder, a failed read counted and followed by the next sample, and the
 * reader closed when undeployed.
 */
@ExtendWith(VertxExtension.class)
class SamplerVerticleTest {
  private static final String NODE = "sampler-node";

  @Test
  void publishesSamplesAndChangesAndGoesOnAfterAFailure(
      Vertx vertx, VertxTestContext ctx, @TempDir Path noProcesses) {
    FixedTable table = new FixedTable(List.of(FixedTable.listener(5432, 101)));
    SnapshotHolder latest = new SnapshotHolder(NODE);
    PrometheusMeterRegistry registry = Portolan.newRegistry();
    SamplerVerticle sampler =
        new SamplerVerticle(
            new Sampler(NODE, table, OwnerIndex.create(noProcesses), System::currentTimeMillis),
            null,
            latest,
            Duration.ofMillis(100),
            new PortolanMetrics(registry, NODE, "fixed"),
            ServiceNames.create(),
            "epoch-s");
    Checkpoint firstSample = ctx.checkpoint();
    Checkpoint laterBatch = ctx.checkpoint();
    Checkpoint afterFailure = ctx.checkpoint();
    Checkpoint closed = ctx.checkpoint();
    AtomicBoolean started = new AtomicBoolean();
    AtomicInteger readsAtFailure = new AtomicInteger(-1);
    AtomicReference<String> deployment = new AtomicReference<>();

    vertx
        .eventBus()
        .consumer(
            Addresses.CHANGES,
            msg ->
                ctx.verify(
                    () -> {
                      // the record itself: its JSON is made only where it leaves the process
                      JsonObject batch =
                          assertInstanceOf(ChangeBatch.class, msg.body())
                              .toJson(ServiceNames.create());
                      assertEquals(NODE, batch.getString("node"));
                      assertEquals("epoch-s", batch.getString("epoch"));
                      JsonArray changes = batch.getJsonArray("changes");
                      if (opened(changes, 8080)) {
                        assertEquals(1, changes.size(), changes.encode());
                        assertEquals(
                            latest.get().seq(),
                            changes.getJsonObject(0).getLong("seq"),
                            "the holder has the sample");
                        laterBatch.flag();
                        readsAtFailure.set(table.reads());
                        table.failNext(1);
                      }
                    }));
    vertx
        .eventBus()
        .<JsonObject>consumer(
            Addresses.SAMPLES,
            msg ->
                ctx.verify(
                    () -> {
                      JsonObject sample = msg.body();
                      assertEquals(NODE, sample.getString("node"));
                      assertEquals("fixed", sample.getString("reader"));
                      if (started.compareAndSet(false, true)) {
                        // The first sample (the table as it starts: no change to tell of yet) is in
                        // the holder; then a listener opens.
                        assertEquals(1, sample.getInteger("sockets"));
                        assertTrue(
                            latest.get().seq() >= sample.getLong("seq"),
                            "the holder has the sample");
                        assertEquals(1, latest.get().sockets().size());
                        firstSample.flag();
                        table.set(
                            List.of(
                                FixedTable.listener(5432, 101), FixedTable.listener(8080, 102)));
                      }
                      int failedAt = readsAtFailure.get();
                      // A sample after the failed read (read failedAt + 1) came from a later read:
                      // the sampler went on.
                      if (failedAt >= 0
                          && table.reads() >= failedAt + 2
                          && deployment.get() != null
                          && readsAtFailure.compareAndSet(failedAt, -2)) {
                        assertEquals(2, sample.getInteger("sockets"));
                        assertEquals(
                            1.0, registry.get("portolan.sample.failures").counter().count());
                        afterFailure.flag();
                        vertx
                            .undeploy(deployment.get())
                            .onComplete(
                                ctx.succeeding(
                                    v ->
                                        ctx.verify(
                                            () -> {
                                              assertTrue(
                                                  table.closed(),
                                                  "the reader is closed with the verticle");
                                              closed.flag();
                                            })));
                      }
                    }));
    vertx.deployVerticle(sampler).onComplete(ctx.succeeding(deployment::set));
  }

  private static boolean opened(JsonArray changes, int port) {
    return changes.stream()
        .map(JsonObject.class::cast)
        .anyMatch(
            c -> "opened".equals(c.getString("change")) && c.getInteger("localPort", -1) == port);
  }
}
