package dev.portolan.cluster;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import dev.portolan.config.ClusterSettings;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.function.Consumer;

/**
 * Starts a clustered Vert.x on Hazelcast: TCP-IP join to the given members and/or Kubernetes DNS
 * discovery, never multicast; Hazelcast and the event bus bound to one address. Hazelcast's failure
 * detector is tightened (heartbeat every second, a silent member removed after 5 s) so that the
 * fleet sees a killed node within seconds. The event bus runs over TLS with client certificates
 * when the settings give its files ({@link BusTlsOptions}).
 */
public final class Clustering {
  private Clustering() {}

  /** A started clustered Vert.x and its membership. */
  public record Clustered(Vertx vertx, Membership membership) {}

  /**
   * Hazelcast's own INFO lines (banner, partition table, Jet notices) drown the node's; members
   * joining and leaving are logged by the fleet verticle. Kept in a field so the level is not
   * collected with the logger.
   */
  private static final java.util.logging.Logger HAZELCAST_LOG =
      java.util.logging.Logger.getLogger("com.hazelcast");

  /** As {@link #start(ClusterSettings, PrometheusMeterRegistry, BusRole)} for a hub. */
  public static Future<Clustered> start(
      ClusterSettings settings, PrometheusMeterRegistry registry) {
    return start(settings, registry, BusRole.HUB, null);
  }

  /**
   * Joins the cluster as a member of role {@code self}: with bus TLS, its certificate must carry
   * that role ({@link BusTlsOptions#checkOwnRole}) and the bus accepts only the peers that role
   * accepts ({@link BusTlsOptions#enforceRoles}). {@code samples} (null: not said) is published as
   * this member's attribute {@value #SAMPLES_ATTRIBUTE}, so that a hub knows which members to
   * expect heartbeats from.
   */
  public static Future<Clustered> start(
      ClusterSettings settings, PrometheusMeterRegistry registry, BusRole self, Boolean samples) {
    return start(settings, registry, self, samples, 0);
  }

  /**
   * As {@link #start(ClusterSettings, PrometheusMeterRegistry, BusRole, Boolean)}; a hub whose
   * bridge listens on {@code bridgePort} (0: none, or not known yet) publishes it as its attribute
   * {@value #BRIDGE_ATTRIBUTE} ("address:port", the cluster address), so that every hub can tell
   * agents which bridges the cluster holds now ({@link Membership#bridges}).
   */
  public static Future<Clustered> start(
      ClusterSettings settings,
      PrometheusMeterRegistry registry,
      BusRole self,
      Boolean samples,
      int bridgePort) {
    if (HAZELCAST_LOG.getLevel() == null) {
      HAZELCAST_LOG.setLevel(java.util.logging.Level.WARNING);
    }
    if (settings.busTls() != null) {
      try {
        settings.busTls().checkFiles();
        BusTlsOptions.checkOwnRole(settings.busTls(), self);
      } catch (RuntimeException e) {
        return Future.failedFuture(e);
      }
    }
    String address;
    try {
      address = InetAddress.getByName(settings.host()).getHostAddress();
    } catch (UnknownHostException e) {
      return Future.failedFuture(
          new IllegalArgumentException("cannot resolve the cluster host " + settings.host()));
    }
    Config config = hazelcastConfig(settings, address);
    if (samples != null) {
      config.getMemberAttributeConfig().setAttribute(SAMPLES_ATTRIBUTE, samples.toString());
    }
    if (bridgePort > 0) {
      config.getMemberAttributeConfig().setAttribute(BRIDGE_ATTRIBUTE, bridge(address, bridgePort));
    }
    HazelcastClusterManager manager = new HazelcastClusterManager(config);
    VertxOptions options =
        new VertxOptions()
            .setMetricsOptions(
                new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(true))
            .setEventBusOptions(
                BusTlsOptions.eventBusOptions(address, settings.busPort(), settings.busTls()));
    return Vertx.builder()
        .with(options)
        .withMetrics(new MicrometerMetricsFactory(registry))
        .withClusterManager(manager)
        .buildClustered()
        .compose(
            vertx ->
                settings.busTls() == null
                    ? Future.succeededFuture(vertx)
                    : BusTlsOptions.enforceRoles(vertx, settings.busTls(), self)
                        .map(vertx)
                        .recover(e -> vertx.close().transform(ar -> Future.failedFuture(e))))
        .map(vertx -> new Clustered(vertx, new HazelcastMembership(manager)));
  }

  /**
   * Experimental ({@code -Dportolan.cluster.liteMember=true}, for agents only): join as a Hazelcast
   * lite member, which owns no partitions (the cluster's data, Vert.x's subscription map included,
   * lives on the data members, i.e. the hubs). Measurements:
   * backend/docs/measurements.md#clustering (figures in backend/docs/scaling.md).
   */
  public static final String LITE_MEMBER_PROPERTY = "portolan.cluster.liteMember";

  /** The member attribute saying whether the member samples a node ("true", "false"). */
  static final String SAMPLES_ATTRIBUTE = "portolan.samples";

  /** The member attribute giving a hub's bridge endpoint, "address:port". */
  static final String BRIDGE_ATTRIBUTE = "portolan.bridge";

  /** A bridge endpoint as agents name it: "address:port", an IPv6 address in brackets. */
  public static String bridge(String address, int port) {
    return (address.indexOf(':') >= 0 && !address.startsWith("[") ? "[" + address + "]" : address)
        + ":"
        + port;
  }

  static Config hazelcastConfig(ClusterSettings settings, String address) {
    Config config = ConfigUtil.loadConfig();
    config.setClusterName(settings.name());
    config.setProperty("hazelcast.logging.type", "jdk");
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.shutdownhook.enabled", "false");
    config.setProperty("hazelcast.socket.bind.any", "false");
    config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    // A hung hub (SIGSTOP) is evicted after 5 s without a heartbeat; its agents move to another hub
    // as soon as that one no longer lists it (HubWatch): requests reach them again 4.4-6.3 s after
    // the hang (HubFailoverTest). 4 s gave 4.7 s, but then a cluster shut down by a member
    // (ClusterSelfCheckTest) left a hub running, twice in two runs: not taken.
    config.setProperty("hazelcast.max.no.heartbeat.seconds", "5");
    config.setProperty("hazelcast.merge.first.run.delay.seconds", "5");
    config.setProperty("hazelcast.merge.next.run.delay.seconds", "5");
    if (Boolean.getBoolean(LITE_MEMBER_PROPERTY)) {
      config.setLiteMember(true);
    }
    NetworkConfig network = config.getNetworkConfig();
    network.setPort(settings.port()).setPortAutoIncrement(false);
    network.getInterfaces().setEnabled(true).addInterface(address);
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    if (settings.kubernetesDns() != null) {
      join.getKubernetesConfig()
          .setEnabled(true)
          .setProperty("service-dns", settings.kubernetesDns())
          .setProperty("service-port", String.valueOf(settings.port()));
    } else {
      join.getTcpIpConfig().setEnabled(true).addMember(address + ":" + settings.port());
      for (String member : settings.join()) {
        join.getTcpIpConfig()
            .addMember(
                member.contains(":") && !member.endsWith("]")
                    ? member
                    : member + ":" + ClusterSettings.DEFAULT_PORT);
      }
    }
    return config;
  }

  /**
   * Hazelcast's member list, as Vert.x node ids. These are not Hazelcast's member UUIDs:
   * vertx-hazelcast makes a node id of its own and keeps it in each member's attribute {@value
   * #VERTX_NODE_ID_ATTRIBUTE}.
   */
  static final class HazelcastMembership implements Membership {
    /** HazelcastClusterManager.NODE_ID_ATTRIBUTE (private there). */
    static final String VERTX_NODE_ID_ATTRIBUTE = "__vertx.nodeId";

    private final HazelcastClusterManager manager;

    HazelcastMembership(HazelcastClusterManager manager) {
      this.manager = manager;
    }

    @Override
    public String localNodeId() {
      return manager.getNodeId();
    }

    @Override
    public boolean clustered() {
      return true;
    }

    @Override
    public java.util.Map<String, Boolean> others() {
      java.util.Map<String, Boolean> out = new java.util.HashMap<>();
      com.hazelcast.core.HazelcastInstance hazelcast = manager.getHazelcastInstance();
      if (!hazelcast.getLifecycleService().isRunning()) {
        return out;
      }
      for (com.hazelcast.cluster.Member m : hazelcast.getCluster().getMembers()) {
        String id = m.getAttribute(VERTX_NODE_ID_ATTRIBUTE);
        if (!m.localMember() && id != null) {
          String samples = m.getAttribute(SAMPLES_ATTRIBUTE);
          out.put(id, samples == null ? null : Boolean.valueOf(samples));
        }
      }
      return out;
    }

    @Override
    public java.util.List<String> bridges() {
      com.hazelcast.core.HazelcastInstance hazelcast = manager.getHazelcastInstance();
      if (!hazelcast.getLifecycleService().isRunning()) {
        return java.util.List.of();
      }
      java.util.List<String> out = new java.util.ArrayList<>();
      for (com.hazelcast.cluster.Member m : hazelcast.getCluster().getMembers()) {
        String bridge = m.getAttribute(BRIDGE_ATTRIBUTE);
        if (bridge != null) {
          out.add(bridge);
        }
      }
      return out;
    }

    @Override
    public java.util.Map<String, String> replicatedMap(String name) {
      return manager.getHazelcastInstance().getReplicatedMap(name);
    }

    /** For the {@link ClusterSelfCheck}. */
    HazelcastClusterManager manager() {
      return manager;
    }

    @Override
    public void onMemberLeft(Consumer<String> nodeId) {
      manager
          .getHazelcastInstance()
          .getCluster()
          .addMembershipListener(
              new MembershipListener() {
                @Override
                public void memberAdded(MembershipEvent event) {}

                @Override
                public void memberRemoved(MembershipEvent event) {
                  String id = event.getMember().getAttribute(VERTX_NODE_ID_ATTRIBUTE);
                  nodeId.accept(id != null ? id : event.getMember().getUuid().toString());
                }
              });
    }
  }
}
