package dev.portolan.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.portolan.Portolan;
import dev.portolan.config.ClusterSettings;
import dev.portolan.web.Await;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The member-left callback names the member by its Vert.x node id (what a node reports as its
 * {@code clusterNodeId}), not by Hazelcast's member UUID: the hub matches the two to mark a node
 * down at once.
 */
class MembershipTest {

  @Test
  void aMemberThatLeavesIsNamedByItsVertxNodeId() throws Exception {
    ClusterFixture fixture = new ClusterFixture();
    ClusterSettings first =
        new ClusterSettings(
            true, fixture.clusterName, "127.0.0.1", fixture.hubPort, 0, List.of(), null);
    ClusterSettings second =
        new ClusterSettings(
            true,
            fixture.clusterName,
            "127.0.0.1",
            ClusterFixture.freePort(),
            0,
            List.of("127.0.0.1:" + fixture.hubPort),
            null);
    Clustering.Clustered a = start(first);
    Clustering.Clustered b = null;
    try {
      ConcurrentLinkedQueue<String> left = new ConcurrentLinkedQueue<>();
      a.membership().onMemberLeft(left::add);
      b = start(second);
      String leaving = b.membership().localNodeId();
      assertNotEquals(a.membership().localNodeId(), leaving);
      b.vertx().close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      b = null;
      Await.until("the member left", Duration.ofSeconds(30), () -> left.isEmpty() ? null : true);
      assertEquals(List.of(leaving), List.copyOf(left));
    } finally {
      if (b != null) {
        b.vertx().close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      }
      a.vertx().close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  private static Clustering.Clustered start(ClusterSettings settings) throws Exception {
    return Clustering.start(settings, Portolan.newRegistry())
        .toCompletionStage()
        .toCompletableFuture()
        .get(60, TimeUnit.SECONDS);
  }
}
