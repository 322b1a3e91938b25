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
import io.vertx.core.net.ConnectOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.TrustOptions;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A simulated agent's key manager makes real TLS handshakes with client certificates: a server that
 * requires one sees the agent's own certificate, connection after connection, with several agents
 * on one client (more than its context cache holds is what made the key store the simulator's
 * cost).
 */
class AgentKeyManagerTest {
  @TempDir Path dir;
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void aServerThatRequiresAClientCertificateSeesEachAgentsOwn() throws Exception {
    FleetCa ca = FleetCa.create("test-fleet-ca");
    BusTls hub = ca.writeNode(dir, "bench-hub", "hub");
    List<String> seen = new CopyOnWriteArrayList<>();
    CountDownLatch handshakes = new CountDownLatch(6);
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
            X509Certificate peer = (X509Certificate) socket.peerCertificates().getFirst();
            seen.add(BusIdentity.of(peer).name());
            handshakes.countDown();
            socket.end(Buffer.buffer("ok"));
          } catch (Exception e) {
            socket.close();
          }
        });
    int port = server.listen().await(10, TimeUnit.SECONDS).actualPort();

    TrustOptions trust =
        TrustOptions.wrap(RoleTrustManager.forCa(hub.ca(), BusRole.AGENT).asFactory());
    NetClient client = vertx.createNetClient();
    List<String> expected = new java.util.ArrayList<>();
    for (int round = 0; round < 2; round++) {
      for (int i = 0; i < 3; i++) {
        String node = "sim-000" + i;
        expected.add(node);
        var ssl = Simulator.agentSsl(ca.issue(node, "agent"), trust);
        var socket =
            client
                .connect(
                    new ConnectOptions()
                        .setHost("127.0.0.1")
                        .setPort(port)
                        .setSsl(true)
                        .setSslOptions(ssl))
                .await(10, TimeUnit.SECONDS);
        assertTrue(socket.isSsl());
        socket.close();
      }
    }
    assertTrue(handshakes.await(10, TimeUnit.SECONDS), "handshakes seen: " + seen);
    assertEquals(expected, seen);
  }
}
