package dev.portolan.bridge.hub;

import dev.portolan.bridge.AgentRules;
import dev.portolan.bus.ChangeBatch;
import dev.portolan.bus.OwnedJson;
import dev.portolan.cluster.BusIdentity;
import dev.portolan.cluster.BusRole;
import dev.portolan.cluster.Clustering;
import dev.portolan.cluster.Membership;
import dev.portolan.config.BusTls;
import dev.portolan.metrics.PortolanMetrics;
import dev.portolan.service.ServiceNames;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.net.InetAddress;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * A hub's bridge for agents: agents are not members of the hubs' cluster, each holds one connection
 * here instead (the TCP event-bus bridge's protocol, {@link AgentConnection}). With {@link BusTls}
 * the bridge runs TLS and requires a client certificate of the bus CA with the agent role, whose
 * name is the only node that connection may speak for. A connection silent for {@link
 * #READ_IDLE_SECONDS} (agents ping every few seconds) is closed, and with it the agent's
 * registrations. Deploy one instance per event loop to share the port.
 */
public final class HubBridgeVerticle extends VerticleBase {
  private static final Logger LOG = Logger.getLogger(HubBridgeVerticle.class.getName());

  /** A connection that sent nothing for this long is closed (agents ping every 5 s). */
  public static final int READ_IDLE_SECONDS = 20;

  /**
   * {@code host}/{@code port}: where to listen (port 0: any free one); {@code tls}: null for a
   * plaintext bridge; {@code maxAgents}: connections at once across this process's instances;
   * {@code connected} and {@code byName} are shared by the instances (see {@link #deploy}).
   */
  public record Options(
      String host,
      int port,
      BusTls tls,
      String hubName,
      AgentRules.Limits limits,
      int maxAgents,
      PortolanMetrics metrics,
      AtomicInteger connected,
      Membership membership,
      ConcurrentMap<String, AgentConnection> byName) {
    public Options(
        String host,
        int port,
        BusTls tls,
        String hubName,
        PortolanMetrics metrics,
        int maxAgents,
        Membership membership) {
      this(
          host,
          port,
          tls,
          hubName,
          AgentRules.Limits.DEFAULT,
          maxAgents,
          metrics,
          new AtomicInteger(),
          membership,
          new ConcurrentHashMap<>());
    }

    /** The same options on another port (the port the first instance was given). */
    Options onPort(int other) {
      return new Options(
          host, other, tls, hubName, limits, maxAgents, metrics, connected, membership, byName);
    }
  }

  /**
   * Deploys {@code instances} bridges sharing one port (Vert.x spreads the connections over their
   * event loops: TLS handshakes, frame parsing and publishing of thousands of agents on more than
   * one core): the first on {@code options.port()}, the others on the port it got. Returns the
   * first, which knows the port. On port 0 (any free one: tests, a developer's hub) one instance
   * only: Vert.x shares a listening socket between servers by the port they asked for, so the
   * others, asking for the port the first one got, would bind it a second time and fail ({@code
   * --cluster --bridge-port 0} did not start).
   */
  public static Future<HubBridgeVerticle> deploy(Vertx vertx, Options options, int instances) {
    HubBridgeVerticle first = new HubBridgeVerticle(options);
    return vertx
        .deployVerticle(first)
        .compose(
            id -> {
              if (instances <= 1 || options.port() == 0) {
                return Future.succeededFuture(first);
              }
              Options same = options.onPort(first.actualPort());
              return vertx
                  .deployVerticle(
                      () -> new HubBridgeVerticle(same),
                      new DeploymentOptions().setInstances(instances - 1))
                  .map(first);
            });
  }

  /** How long a pong's list of the cluster's bridges is reused. */
  static final long PONG_REUSE_MILLIS = 250;

  private final Options options;
  private final Set<AgentConnection> connections = new HashSet<>();
  private NetServer server;
  private String self;
  private JsonObject pong;
  private long pongMadeMillis;

  public HubBridgeVerticle(Options options) {
    this.options = options;
  }

  /** The port the bridge listens on (after start). */
  public int actualPort() {
    return server.actualPort();
  }

  @Override
  public Future<?> start() {
    NetServerOptions net =
        new NetServerOptions()
            .setTcpNoDelay(true)
            .setReadIdleTimeout(READ_IDLE_SECONDS)
            .setIdleTimeoutUnit(TimeUnit.SECONDS);
    if (options.tls() != null) {
      net.setSsl(true)
          .setKeyCertOptions(
              new PemKeyCertOptions()
                  .setCertPath(options.tls().cert().toString())
                  .setKeyPath(options.tls().key().toString()))
          .setTrustOptions(new PemTrustOptions().addCertPath(options.tls().ca().toString()))
          .setClientAuth(ClientAuth.REQUIRED);
    }
    // Batches are published as records (the fleet aggregator registers the codec too, with the
    // hub's own service names: only the JSON for other hubs carries them, and no hub reads them).
    ChangeBatch.registerCodec(vertx, ServiceNames.builtInOnly());
    OwnedJson.register(vertx); // agents' answers, handed on without a copy (AgentConnection)
    if (options.metrics() != null) {
      options.metrics().bridgeAgents(options.connected()::get);
    }
    vertx.setPeriodic(
        10_000,
        id -> {
          long now = System.currentTimeMillis();
          connections.forEach(c -> c.sweep(now));
        });
    if (options.membership() != null) {
      // A hub left the cluster: every agent hears the new list at once, above all those whose
      // hub hung and that are asking this one about it (they move as soon as it is gone).
      options
          .membership()
          .onMemberLeft(
              id ->
                  context.runOnContext(
                      v -> {
                        pong = null;
                        connections.forEach(AgentConnection::announce);
                      }));
    }
    server =
        vertx.createNetServer(net).connectHandler(this::accept).exceptionHandler(this::handshake);
    return server
        .listen(options.port(), options.host())
        .compose(
            s ->
                vertx.executeBlocking(
                    () -> InetAddress.getByName(options.host()).getHostAddress(), false))
        .onSuccess(address -> self = Clustering.bridge(address, server.actualPort()));
  }

  /**
   * The answer to an agent's ping: {@code {"type":"pong","hub":this bridge,"hubs":[the bridges of
   * the cluster's members now]}}. Agents learn the other hubs from it, and when their hub falls
   * silent they ask another one whether the cluster still holds it (extra fields are within the
   * bridge's protocol: a client reads only "type"). Rebuilt at most every {@link
   * #PONG_REUSE_MILLIS}, and sent to every agent unasked when a member leaves the cluster.
   */
  JsonObject pong() {
    long now = System.currentTimeMillis();
    if (pong == null || now - pongMadeMillis >= PONG_REUSE_MILLIS) {
      pong = new JsonObject().put("type", "pong").put("hub", self);
      List<String> bridges =
          options.membership() == null ? List.of() : options.membership().bridges();
      if (!bridges.isEmpty()) {
        pong.put("hubs", new JsonArray(bridges));
      }
      pongMadeMillis = now;
    }
    return pong;
  }

  private void accept(NetSocket socket) {
    if (options.connected().get() >= options.maxAgents()) {
      refused("too-many-connections");
      socket.close();
      return;
    }
    String name = null;
    if (options.tls() != null) {
      BusIdentity id = identity(socket);
      if (id == null || id.name() == null || !id.has(BusRole.AGENT)) {
        refused("no-identity");
        LOG.warning(
            "bridge: refused "
                + socket.remoteAddress()
                + ": "
                + (id == null ? "no certificate" : id.describe())
                + ", not an agent's certificate");
        socket.close();
        return;
      }
      name = id.name();
    }
    options.connected().incrementAndGet();
    AgentConnection c =
        new AgentConnection(
            vertx,
            socket,
            new AgentRules(name, options.limits(), System::nanoTime),
            options.limits(),
            options.hubName(),
            this::refused,
            this::pong);
    connections.add(c);
    c.onNamed(this::named);
    c.start(
        () -> {
          connections.remove(c);
          if (c.name() != null) {
            options.byName().remove(c.name(), c);
          }
          options.connected().decrementAndGet();
        });
  }

  /**
   * An agent's connection registered its first service: the newest connection of a node wins. Its
   * older one (half-open after the agent's network blipped, or a process it replaced) would
   * otherwise keep a registration of the same addresses until its idle timeout, and requests would
   * alternate between the two.
   */
  private void named(AgentConnection c) {
    AgentConnection previous = options.byName().put(c.name(), c);
    if (previous != null && previous != c) {
      LOG.info(
          "bridge: agent "
              + c.name()
              + " connected again; closing its previous connection to this hub");
      // It may live on another instance's event loop: closed there.
      previous.closeOnItsLoop("replaced by a newer connection of the same node");
    }
  }

  /**
   * A connection that failed before it reached {@link #accept}: a TLS handshake refused (no client
   * certificate, another CA's). Counted; logged in one line, at most one every {@link
   * #HANDSHAKE_LOG_MILLIS} with how many were not, so that a scanner cannot flood the log.
   */
  private void handshake(Throwable failure) {
    // The handshake's own reason: the innermost TLS exception's message, as OneLineLogs says it.
    Throwable reason = failure;
    boolean tls = false;
    Throwable t = failure;
    for (int depth = 0; t != null && depth < 32; depth++, t = t.getCause()) {
      if (t instanceof javax.net.ssl.SSLException) {
        reason = t;
        tls = true;
      } else if (!tls) {
        reason = t;
      }
    }
    refused(tls ? HANDSHAKE : "connection-failed");
    handshakesUnlogged++;
    long now = System.currentTimeMillis();
    if (now - handshakeLoggedAt < HANDSHAKE_LOG_MILLIS) {
      return;
    }
    LOG.warning(
        "bridge: refused a connection: "
            + (tls ? "TLS handshake failed: " : "")
            + reason.getMessage()
            + (handshakesUnlogged > 1 ? " (" + (handshakesUnlogged - 1) + " more since)" : ""));
    handshakeLoggedAt = now;
    handshakesUnlogged = 0;
  }

  /** The refusal label of a failed TLS handshake. */
  static final String HANDSHAKE = "tls-handshake";

  private static final long HANDSHAKE_LOG_MILLIS = 10_000;
  private long handshakeLoggedAt = Long.MIN_VALUE / 2;
  private long handshakesUnlogged;

  private static BusIdentity identity(NetSocket socket) {
    try {
      List<Certificate> chain = socket.peerCertificates();
      return chain.isEmpty() || !(chain.getFirst() instanceof X509Certificate x)
          ? null
          : BusIdentity.of(x);
    } catch (SSLPeerUnverifiedException e) {
      return null;
    }
  }

  private void refused(String reason) {
    if (options.metrics() != null) {
      options.metrics().bridgeRefused(reason);
    }
  }
}
