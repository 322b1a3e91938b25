package dev.portolan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.cluster.BusCertificates;
import dev.portolan.cluster.ClusterFixture;
import dev.portolan.config.BusTls;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A refused event-bus TLS handshake, as a user's nodes log it: a hub and an agent whose certificate
 * another CA signed, each {@code Main} in a JVM of its own on loopback. The refusal is one log line
 * with the handshake's reason; neither node prints a stack trace.
 */
class BusRefusalLogTest {

  @Test
  void aPeerOfAnotherCaIsRefusedInOneLine(@TempDir Path dir) throws Exception {
    BusTls hubTls = BusCertificates.newCa(dir, "fleet-ca").node("hub-refusing", "hub");
    BusTls rogueTls = BusCertificates.newCa(dir, "rogue-ca").node("agent-rogue", "agent");
    String cluster = "portolan-test-" + UUID.randomUUID().toString().substring(0, 8);
    int hubPort = ClusterFixture.freePort();
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
              "--cluster-name",
              cluster,
              "--cluster-port",
              Integer.toString(ClusterFixture.freePort()),
              "--bus-port",
              "0",
              "--join",
              "127.0.0.1:" + hubPort,
              "--bus-tls-cert",
              rogueTls.cert().toString(),
              "--bus-tls-key",
              rogueTls.key().toString(),
              "--bus-tls-ca",
              rogueTls.ca().toString());
      // The agent's heartbeats go to the hub's bus, whose certificate the agent does not trust (nor
      // it the agent's).
      String refusal = agent.awaitLine("TLS handshake refused", Duration.ofSeconds(90));
      assertTrue(LogLinesCliTest.LOG_LINE.matcher(refusal).matches(), refusal);
      assertTrue(
          refusal.contains("Connecting to server") && refusal.contains("PKIX path building failed"),
          refusal);
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
