package dev.portolan.sim;

import dev.portolan.cluster.BusRole;
import dev.portolan.cluster.RoleTrustManager;
import dev.portolan.service.ServiceNames;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.ClientSSLOptions;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.TrustOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;

/**
 * {@code --simulate-nodes}: a plain (not clustered) Vert.x that runs the simulation's agents, each
 * with its own bridge connection to the hubs and, with a fleet CA, its own certificate (CN = its
 * node name, role agent), made here at start; the hubs must show a certificate of that CA with the
 * hub role, as for a real agent. Serves {@code /health}, {@code /metrics}, {@code /sim/nodes} (each
 * node's seq, size and link) and {@code POST /sim/freeze?on=true|false} (stop or resume the churn)
 * over HTTP. Used by the bench's Main and tests.
 */
public final class Simulator {
  /**
   * {@code hubs}: HOST:PORT of the hubs' bridges; {@code ca}: the fleet CA to make the agents'
   * certificates with (null: plaintext bridge); {@code caPem}: the CA the hubs' certificates must
   * chain to.
   */
  public record Options(
      List<String> hubs, FleetCa ca, Path caPem, String bind, int httpPort, int instances) {}

  private final Vertx vertx;
  private final HttpServer http;
  private final Simulation simulation;

  private Simulator(Vertx vertx, HttpServer http, Simulation simulation) {
    this.vertx = vertx;
    this.http = http;
    this.simulation = simulation;
  }

  /**
   * An agent's client TLS options: its key and certificate as objects ({@link AgentKeyManager}),
   * trusting {@code trust}.
   */
  static ClientSSLOptions agentSsl(FleetCa.Issued cert, TrustOptions trust) {
    return new ClientSSLOptions()
        .setHostnameVerificationAlgorithm("")
        .setKeyCertOptions(
            KeyCertOptions.wrap(new AgentKeyManager(cert.key(), cert.cert()).asFactory()))
        .setTrustOptions(trust);
  }

  /** Makes the certificates, deploys the simulation and serves HTTP. */
  public static Future<Simulator> start(
      PrometheusMeterRegistry registry, Options options, Simulation simulation) {
    Map<String, ClientSSLOptions> ssl = new ConcurrentHashMap<>();
    if (options.ca() != null) {
      TrustOptions trust;
      try {
        // The agents' check of their hub's chain, made once per chain (HubChainMemo).
        trust =
            TrustOptions.wrap(
                new HubChainMemo(RoleTrustManager.forCa(options.caPem(), BusRole.AGENT))
                    .asFactory());
      } catch (Exception e) {
        return Future.failedFuture(e);
      }
      int n = simulation.settings().nodes();
      try {
        IntStream.range(0, n)
            .parallel()
            .forEach(
                i -> {
                  String name = Simulation.nodeName(i, n);
                  try {
                    FleetCa.Issued cert = options.ca().issue(name, "agent");
                    ssl.put(name, agentSsl(cert, trust));
                  } catch (java.security.GeneralSecurityException e) {
                    throw new IllegalStateException(e);
                  }
                });
      } catch (IllegalStateException e) {
        return Future.failedFuture(e.getCause());
      }
    }
    Vertx vertx =
        Vertx.vertx(new VertxOptions().setEventLoopPoolSize(Math.max(2, options.instances())));
    return simulation
        .deploy(
            vertx,
            options.hubs(),
            name -> ssl.get(name),
            ServiceNames.create(),
            registry,
            options.instances())
        .compose(
            v ->
                vertx
                    .createHttpServer()
                    .requestHandler(
                        req -> {
                          String path = req.path();
                          switch (path) {
                            case "/health" ->
                                req.response()
                                    .putHeader("content-type", "application/json")
                                    .end(
                                        new JsonObject()
                                            .put("status", "up")
                                            .put("nodes", simulation.settings().nodes())
                                            .put("connected", simulation.meters().connected())
                                            .encode());
                            case "/metrics" ->
                                req.response()
                                    .putHeader("content-type", "text/plain; version=0.0.4")
                                    .end(registry.scrape());
                            case "/sim/nodes" ->
                                req.response()
                                    .putHeader("content-type", "application/json")
                                    .end(simulation.shared().toJson().encode());
                            case "/sim/freeze" -> {
                              simulation.shared().freeze(!"false".equals(req.getParam("on")));
                              req.response()
                                  .end(simulation.shared().toJson().getValue("frozen") + "\n");
                            }
                            default -> req.response().setStatusCode(404).end();
                          }
                        })
                    .listen(options.httpPort(), options.bind()))
        .map(server -> new Simulator(vertx, server, simulation))
        .onFailure(e -> vertx.close());
  }

  public Vertx vertx() {
    return vertx;
  }

  /** The port /health and /metrics are served on. */
  public int httpPort() {
    return http.actualPort();
  }

  public Simulation simulation() {
    return simulation;
  }
}
