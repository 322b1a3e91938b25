package dev.portolan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.cluster.BusCertificates;
import dev.portolan.cluster.ClusterFixture;
import dev.portolan.config.BusTls;
import dev.portolan.web.Await;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A refused TLS handshake at a hub's bridge, as a user's nodes log it: a hub and an agent whose
 * certificate another CA signed, each {@code Main} in a JVM of its own on loopback. The hub logs
 * the refusal in one line with the handshake's reason and counts it; the agent says it in its
 * /health and stays down at the hub; neither node prints a stack trace.
 */
class BusRefusalLogTest {

  @Test
  void aPeerOfAnotherCaIsRefusedInOneLine(@TempDir Path dir) throws Exception {
    BusTls hubTls = BusCertificates.newCa(dir, "fleet-ca").node("hub-refusing", "hub");
    BusTls rogueTls = BusCertificates.newCa(dir, "rogue-ca").node("agent-rogue", "agent");
    String cluster = "portolan-test-" + UUID.randomUUID().toString().substring(0, 8);
    int hubPort = ClusterFixture.freePort();
    int bridgePort = ClusterFixture.freePort();
    LoggedNode hub =
        LoggedNode.start(
            List.of(),
            "--role",
            "hub",
            "--node-name",
            "hub-refusing",
            "--http-port",
            "0",
            "--cluster-name",
            cluster,
            "--cluster-port",
            Integer.toString(hubPort),
            "--bridge-port",
            Integer.toString(bridgePort),
            "--bus-port",
            "0",
            "--bus-tls-cert",
            hubTls.cert().toString(),
            "--bus-tls-key",
            hubTls.key().toString(),
            "--bus-tls-ca",
            hubTls.ca().toString());
    LoggedNode agent = null;
    try {
      hub.awaitLine("node hub-refusing serving", Duration.ofSeconds(60));
      agent =
          LoggedNode.start(
              List.of(),
              "--role",
              "agent",
              "--node-name",
              "agent-rogue",
              "--http-port",
              "0",
              "--hub",
              "127.0.0.1:" + bridgePort,
              "--bus-tls-cert",
              rogueTls.cert().toString(),
              "--bus-tls-key",
              rogueTls.key().toString(),
              "--bus-tls-ca",
              rogueTls.ca().toString());
      // The agent connects to the hub's bridge: each refuses the other's certificate (neither
      // trusts the other's CA). The hub says so in one line with the handshake's reason.
      String refusal = hub.awaitLine("TLS handshake failed", Duration.ofSeconds(90));
      assertTrue(LogLinesCliTest.LOG_LINE.matcher(refusal).matches(), refusal);
      assertTrue(
          refusal.contains("bridge: refused a connection: TLS handshake failed: ")
              && refusal.contains("certificate"),
          refusal);
      // The agent says in its /health that its TLS connection to the hub failed.
      Matcher serving =
          Pattern.compile("serving http://[^:]+:(\\d+)")
              .matcher(agent.awaitLine("node agent-rogue serving", Duration.ofSeconds(60)));
      assertTrue(serving.find());
      HttpClient http = HttpClient.newHttpClient();
      URI health = URI.create("http://127.0.0.1:" + serving.group(1) + "/health");
      String[] last = {"none"};
      JsonObject link;
      try {
        link =
            Await.until(
                "the agent's /health naming the refused handshake",
                Duration.ofSeconds(60),
                () -> {
                  try {
                    HttpResponse<String> r =
                        http.send(
                            HttpRequest.newBuilder(health).build(),
                            HttpResponse.BodyHandlers.ofString());
                    last[0] = r.statusCode() + " " + r.body();
                    JsonObject hubLink = new JsonObject(r.body()).getJsonObject("hub");
                    String problem = hubLink.getString("lastProblem");
                    return r.statusCode() == 503
                            && problem != null
                            && problem.contains("cannot connect to 127.0.0.1:" + bridgePort)
                            && problem.contains("SSL")
                        ? hubLink
                        : null;
                  } catch (java.io.IOException e) {
                    return null;
                  } catch (InterruptedException e) {
                    throw new AssertionError(e);
                  }
                });
      } catch (AssertionError e) {
        throw new AssertionError(e.getMessage() + "; last: " + last[0], e);
      }
      assertEquals(false, link.getBoolean("connected"), link.encode());
    } finally {
      if (agent != null) {
        agent.close();
      }
      hub.close();
    }
    for (LoggedNode node : List.of(hub, agent)) {
      List<String> all = node.lines();
      assertEquals(
          List.of(),
          LogLinesCliTest.otherLines(all),
          "no stack trace, every line one record: " + all);
    }
  }
}
