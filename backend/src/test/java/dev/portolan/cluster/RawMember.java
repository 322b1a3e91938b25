package dev.portolan.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.multimap.MultiMap;
import io.vertx.core.spi.cluster.RegistrationInfo;
import io.vertx.spi.cluster.hazelcast.impl.HazelcastRegistrationInfo;
import java.util.ArrayList;
import java.util.List;

/**
 * A plain Hazelcast member with no certificate and no Vert.x, joined to a test cluster over TCP-IP
 * on 127.0.0.1, as anyone who can reach the Hazelcast port can start one: it reads and writes the
 * cluster's data, Vert.x's subscription map ({@value #SUBSCRIPTIONS}) included, and can shut the
 * whole cluster down.
 */
final class RawMember implements AutoCloseable {
  /**
   * The HazelcastClusterManager's subscriptions: event-bus address -> (Vert.x node id, seq, local
   * only).
   */
  static final String SUBSCRIPTIONS = "__vertx.subs";

  final HazelcastInstance hazelcast;

  private RawMember(HazelcastInstance hazelcast) {
    this.hazelcast = hazelcast;
  }

  static RawMember join(String clusterName, int memberPort) {
    Config config = new Config();
    config.setClusterName(clusterName);
    config.setProperty("hazelcast.logging.type", "jdk");
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.shutdownhook.enabled", "false");
    config.getNetworkConfig().setPort(ClusterFixture.freePort()).setPortAutoIncrement(false);
    config.getNetworkConfig().getInterfaces().setEnabled(true).addInterface("127.0.0.1");
    JoinConfig join = config.getNetworkConfig().getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).addMember("127.0.0.1:" + memberPort);
    return new RawMember(Hazelcast.newHazelcastInstance(config));
  }

  private MultiMap<String, HazelcastRegistrationInfo> subscriptions() {
    return hazelcast.getMultiMap(SUBSCRIPTIONS);
  }

  /** The registrations of {@code address} in the cluster's subscription map. */
  List<RegistrationInfo> registrations(String address) {
    List<RegistrationInfo> out = new ArrayList<>();
    for (HazelcastRegistrationInfo r : subscriptions().get(address)) {
      out.add(r.unwrap());
    }
    return out;
  }

  /**
   * True when {@code nodeId} has a registration of {@code address} in the subscription map; else
   * null (Await).
   */
  Boolean registered(String address, String nodeId) {
    return registrations(address).stream().anyMatch(r -> r.nodeId().equals(nodeId)) ? true : null;
  }

  /** Deletes {@code nodeId}'s registrations of {@code address}; returns how many there were. */
  int deleteRegistrations(String address, String nodeId) {
    int deleted = 0;
    MultiMap<String, HazelcastRegistrationInfo> subs = subscriptions();
    for (HazelcastRegistrationInfo r : List.copyOf(subs.get(address))) {
      if (r.unwrap().nodeId().equals(nodeId) && subs.remove(address, r)) {
        deleted++;
      }
    }
    return deleted;
  }

  @Override
  public void close() {
    if (hazelcast.getLifecycleService().isRunning()) {
      hazelcast.shutdown();
    }
  }
}
