package dev.portolan.cluster;

import com.hazelcast.cluster.Cluster;
import com.hazelcast.core.HazelcastInstance;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.spi.cluster.RegistrationInfo;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.logging.Logger;

/**
 * A clustered node's look at its own place in the cluster, every {@link #PERIOD_MILLIS} ms.
 * Hazelcast's member port has no authentication: any member can delete entries of Vert.x's
 * subscription map or shut the cluster down. So:
 *
 * <ul>
 *   <li>each of this node's long-lived registrations ({@link OwnRegistrations}) missing from the
 *       cluster's map is put back, with a warning saying which;
 *   <li>when this node's Hazelcast instance is no longer running although Vert.x did not leave (the
 *       cluster was shut down, or this member was), it logs why and calls {@code onLost} (Main:
 *       exit with {@link #EXIT_STATUS}, for the supervisor to restart it);
 *   <li>{@link #health()} says what it last saw, for {@code /health}.
 * </ul>
 *
 * A verticle, so that its timer stops when the node closes, before Vert.x leaves the cluster.
 */
public final class ClusterSelfCheck extends VerticleBase {
  private static final Logger LOG = Logger.getLogger(ClusterSelfCheck.class.getName());
  public static final long PERIOD_MILLIS = 2_000;

  /** The exit status of a node that found itself out of the cluster. */
  public static final int EXIT_STATUS = 3;

  private final HazelcastClusterManager manager;
  private final OwnRegistrations own;
  private final Runnable onLost;
  private volatile ClusterHealth health;
  private boolean checking;
  private boolean lost;
  private long repairs;

  private ClusterSelfCheck(
      HazelcastClusterManager manager, List<String> addresses, Runnable onLost) {
    this.manager = manager;
    this.own = new OwnRegistrations(manager.getNodeId(), addresses);
    this.onLost = onLost;
    this.health = ClusterHealth.joined(manager.getNodes().size());
  }

  /** A self-check for a Hazelcast member; null for {@link Membership#NONE} (not clustered). */
  public static ClusterSelfCheck of(
      Membership membership, List<String> addresses, Runnable onLost) {
    return membership instanceof Clustering.HazelcastMembership h
        ? new ClusterSelfCheck(h.manager(), addresses, onLost)
        : null;
  }

  /** What the last check saw (any thread). */
  public ClusterHealth health() {
    return health;
  }

  /**
   * Adds what {@code check} last saw to a {@code /health} body: {@code status} (up or degraded) and
   * {@code cluster}; returns the HTTP status (503 when degraded). Without a check (not clustered)
   * the body stays as it is: 200.
   */
  public static int addTo(JsonObject health, ClusterSelfCheck check) {
    if (check == null) {
      return 200;
    }
    ClusterHealth h = check.health();
    health.put("status", h.status()).put("cluster", json(h));
    return h.up() ? 200 : 503;
  }

  /** The {@code cluster} object of {@code /health}. */
  public static JsonObject json(ClusterHealth h) {
    return new JsonObject()
        .put("member", h.member())
        .put("members", h.members())
        .put("state", h.state())
        .put("missingRegistrations", new JsonArray(h.missingRegistrations()))
        .put("repairs", h.repairs());
  }

  @Override
  public Future<?> start() {
    vertx.setPeriodic(
        PERIOD_MILLIS,
        PERIOD_MILLIS,
        id -> {
          if (!checking && !lost) {
            checking = true;
            check().onComplete(ar -> checking = false);
          }
        });
    return Future.succeededFuture();
  }

  private Future<Void> check() {
    HazelcastInstance hazelcast = manager.getHazelcastInstance();
    boolean running = hazelcast.getLifecycleService().isRunning();
    if (!running) {
      health = new ClusterHealth(false, 0, "shut-down", List.of(), repairs);
      if (manager.isActive()) {
        lost = true;
        LOG.severe(
            "no longer a member of the cluster: its Hazelcast instance was shut down (the cluster was shut down,"
                + " or this member was, by a member of the cluster); stopping with status "
                + EXIT_STATUS
                + " for the supervisor to restart this node");
        onLost.run();
      }
      return Future.succeededFuture();
    }
    Cluster cluster = hazelcast.getCluster();
    int members;
    String state;
    boolean member;
    try {
      members = cluster.getMembers().size();
      member = cluster.getMembers().contains(cluster.getLocalMember());
      state = cluster.getClusterState().name().toLowerCase(Locale.ROOT);
    } catch (RuntimeException e) {
      health = new ClusterHealth(false, 0, "unknown", List.of(), repairs);
      return Future.succeededFuture();
    }
    boolean active = "active".equals(state);
    List<String> addresses = own.addresses();
    List<Future<List<RegistrationInfo>>> lookups = new ArrayList<>();
    for (String address : addresses) {
      Promise<List<RegistrationInfo>> found = Promise.promise();
      manager.getRegistrations(address, found);
      lookups.add(found.future().map(list -> own.missing(address, list)));
    }
    // What is missing now shows in /health until the next check has seen it back.
    return Future.join(lookups)
        .transform(
            ar -> {
              List<String> missing = new ArrayList<>();
              List<Future<Boolean>> repaired = new ArrayList<>();
              for (int i = 0; i < addresses.size(); i++) {
                Future<List<RegistrationInfo>> f = lookups.get(i);
                if (f.failed() || !f.result().isEmpty()) {
                  missing.add(addresses.get(i));
                }
                if (f.succeeded() && !f.result().isEmpty()) {
                  repaired.add(repair(addresses.get(i), f.result(), active));
                }
              }
              health = new ClusterHealth(member, members, state, missing, repairs);
              return Future.join(repaired).<Void>mapEmpty().otherwiseEmpty();
            });
  }

  /** Puts {@code infos} back for {@code address} (true when done), with a warning either way. */
  private Future<Boolean> repair(String address, List<RegistrationInfo> infos, boolean active) {
    if (!active) {
      LOG.warning(
          "this node's registration of "
              + address
              + " is missing from the cluster's subscription map;"
              + " not repaired while the cluster is not active");
      return Future.succeededFuture(false);
    }
    List<Future<Void>> added = new ArrayList<>();
    for (RegistrationInfo info : infos) {
      Promise<Void> p = Promise.promise();
      manager.addRegistration(address, info, p);
      added.add(p.future());
    }
    return Future.all(added)
        .transform(
            ar -> {
              if (ar.failed()) {
                LOG.warning(
                    "this node's registration of "
                        + address
                        + " is missing from the cluster's subscription map"
                        + " and could not be repaired: "
                        + ar.cause().getMessage());
                return Future.succeededFuture(false);
              }
              repairs++;
              LOG.warning(
                  "this node's registration of "
                      + address
                      + " was missing from the cluster's subscription map"
                      + " (deleted by a member of the cluster?): repaired; messages to it were not delivered here meanwhile");
              return Future.succeededFuture(true);
            });
  }
}
