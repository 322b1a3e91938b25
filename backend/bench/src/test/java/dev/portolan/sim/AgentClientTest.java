package dev.portolan.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.cluster.BusIdentity;
import dev.portolan.cluster.BusRole;
import dev.portolan.cluster.RoleTrustManager;
import dev.portolan.config.BusTls;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.ClientSSLOptions;
import io.vertx.core.net.ConnectOptions;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.TrustOptions;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each simulated agent connects with a client of its own ({@link SimulatorVerticle#clientOptions}),
 * as a real agent does: more agents than a Vert.x client's context cache holds (64) reconnect to a
 * real TLS server that requires client certificates, and no agent's TLS context is built again for
 * its later connections (a shared client built one per attempt, refused ones included, and starved
 * the hub the storm bench restarts).
 */
class AgentClientTest {
  private static final int AGENTS = 70;

  @TempDir Path dir;
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    vertx.close().await(20, TimeUnit.SECONDS);
  }

  @Test
  void anAgentsContextIsBuiltOnceForAllItsConnections() throws Exception {
    FleetCa ca = FleetCa.create("test-fleet-ca");
    BusTls hub = ca.writeNode(dir, "bench-hub", "hub");
    AtomicInteger accepted = new AtomicInteger();
    java.util.Set<String> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();
    java.util.concurrent.CountDownLatch all = new java.util.concurrent.CountDownLatch(3 * AGENTS);
    NetServer server =
        vertx.createNetServer(
            new NetServerOptions()
                .setHost("127.0.0.1")
                .setPort(0)
                .setSsl(true)
                .setClientAuth(ClientAuth.REQUIRED)
                .setKeyCertOptions(
                    new PemKeyCertOptions()
                        .setCertPath(hub.cert().toString())
                        .setKeyPath(hub.key().toString()))
                .setTrustOptions(new PemTrustOptions().addCertPath(hub.ca().toString())));
    server.connectHandler(
        socket -> {
          try {
            // Here only after a handshake with a client certificate of the fleet's CA.
            if (!socket.peerCertificates().isEmpty()) {
              seen.add(
                  BusIdentity.of((X509Certificate) socket.peerCertificates().getFirst()).name());
              accepted.incrementAndGet();
              all.countDown();
            }
          } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
            // not counted
          }
          socket.end(Buffer.buffer("ok"));
        });
    int port = server.listen().await(10, TimeUnit.SECONDS).actualPort();
    TrustOptions trust =
        TrustOptions.wrap(RoleTrustManager.forCa(hub.ca(), BusRole.AGENT).asFactory());

    List<AtomicInteger> builds = new ArrayList<>();
    List<NetClient> clients = new ArrayList<>();
    for (int i = 0; i < AGENTS; i++) {
      FleetCa.Issued cert = ca.issue(String.format("sim-%04d", i), "agent");
      AtomicInteger built = new AtomicInteger();
      builds.add(built);
      ClientSSLOptions ssl =
          new ClientSSLOptions()
              .setKeyCertOptions(
                  KeyCertOptions.wrap(
                      new AgentKeyManager(cert.key(), cert.cert())
                          .asFactory(built::incrementAndGet)))
              .setTrustOptions(trust);
      clients.add(vertx.createNetClient(SimulatorVerticle.clientOptions(ssl)));
    }
    List<Integer> afterFirst = new ArrayList<>();
    for (int round = 0; round < 3; round++) {
      if (round == 1) {
        builds.forEach(b -> afterFirst.add(b.get()));
      }
      for (NetClient client : clients) {
        var socket =
            client
                .connect(new ConnectOptions().setHost("127.0.0.1").setPort(port).setSsl(true))
                .await(10, TimeUnit.SECONDS);
        socket.close();
      }
    }
    all.await(10, TimeUnit.SECONDS);
    assertEquals(3 * AGENTS, accepted.get(), "handshakes with a client certificate the server saw");
    assertEquals(AGENTS, seen.size(), "each agent's own certificate: " + seen);
    for (int i = 0; i < AGENTS; i++) {
      assertTrue(afterFirst.get(i) > 0, "agent " + i + "'s key managers were used");
      assertEquals(afterFirst.get(i), builds.get(i).get(), "agent " + i + "'s context built again");
    }
  }
}
