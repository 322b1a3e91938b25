package dev.portolan.cluster;

import dev.portolan.config.ClusterSettings;
import dev.portolan.web.RunningNode;
import dev.portolan.why.PortSettings;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Settings for clustered test processes on 127.0.0.1: a cluster name of their own and free ports.
 */
public final class ClusterFixture {
  public final String clusterName = "portolan-test-" + UUID.randomUUID().toString().substring(0, 8);
  public final int hubPort = freePort();

  /** The first hub's bridge port, which {@link #agent} connects to. */
  public final int bridgePort = freePort();

  /** A hub that does not sample a node of its own, with its bridge on {@link #bridgePort}. */
  public Map<String, Object> hub() {
    Map<String, Object> s = base("hub");
    s.put("role", "hub");
    s.put("clusterPort", hubPort);
    s.put("bridgePort", bridgePort);
    return s;
  }

  /** An agent connected to the first hub's bridge. */
  public Map<String, Object> agent(String name) {
    Map<String, Object> s = base(name);
    s.put("role", "agent");
    s.put("hub", "127.0.0.1:" + bridgePort);
    return s;
  }

  private Map<String, Object> base(String name) {
    Map<String, Object> s = new HashMap<>();
    s.put("nodeName", name);
    s.put("httpPort", 0);
    s.put("interval", "200ms");
    s.put("historySize", 10_000);
    s.put("clusterName", clusterName);
    s.put("clusterHost", "127.0.0.1");
    s.put("busPort", 0);
    return s;
  }

  public static RunningNode start(Map<String, Object> settings) throws Exception {
    return RunningNode.launch(settings);
  }

  /**
   * True when every one of {@code names} is up at {@code hub}, synced and with sockets; else null
   * (for Await).
   */
  public static Boolean upAndSynced(RunningNode hub, Set<String> names) {
    JsonArray nodes = hub.get("/api/v1/nodes").json().getJsonArray("nodes");
    Set<String> ready = new HashSet<>();
    for (Object o : nodes) {
      JsonObject n = (JsonObject) o;
      if ("up".equals(n.getString("status"))
          && !n.getBoolean("resyncing")
          && n.getJsonObject("sockets").getInteger("total") > 0) {
        ready.add(n.getString("name"));
      }
    }
    return ready.containsAll(names) ? true : null;
  }

  public static int freePort() {
    // Below the kernel's ephemeral range: a port the kernel hands out (ServerSocket(0)) can be
    // taken by any outgoing connection (the tests' own HTTP polls, the cluster's, the agents')
    // between this pick and the bind that follows it; CI once failed so ("Address already in use").
    int low = Math.max(PORTS.unprivilegedPortStart(), 10_000);
    int high = Math.min(PORTS.ephemeralLow(), 32_768);
    for (int tries = 0; high > low && tries < 200; tries++) {
      int port = ThreadLocalRandom.current().nextInt(low, high);
      try (ServerSocket s = new ServerSocket()) {
        s.bind(new InetSocketAddress("0.0.0.0", port));
        return port;
      } catch (IOException taken) {
        // try another
      }
    }
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static final PortSettings PORTS = PortSettings.read();

  /**
   * A bare clustered Vert.x in this cluster (same name, joined to the hub, the members' own
   * Hazelcast configuration), its event bus on 127.0.0.1 with {@code bus}'s TLS settings: an
   * intruder or a shadow hub that runs none of Portolan's verticles.
   */
  public Clustering.Clustered member(EventBusOptions bus) throws Exception {
    ClusterSettings settings =
        new ClusterSettings(
            true, clusterName, "127.0.0.1", freePort(), 0, List.of("127.0.0.1:" + hubPort), null);
    HazelcastClusterManager manager =
        new HazelcastClusterManager(Clustering.hazelcastConfig(settings, "127.0.0.1"));
    Vertx vertx =
        Vertx.builder()
            .with(
                new VertxOptions()
                    .setEventBusOptions(
                        bus.setHost("127.0.0.1").setPort(0).setClusterPublicHost("127.0.0.1")))
            .withClusterManager(manager)
            .buildClustered()
            .toCompletionStage()
            .toCompletableFuture()
            .get(60, TimeUnit.SECONDS);
    return new Clustering.Clustered(
        vertx,
        new Membership() {
          @Override
          public String localNodeId() {
            return manager.getNodeId();
          }

          @Override
          public void onMemberLeft(java.util.function.Consumer<String> nodeId) {}
        });
  }
}
