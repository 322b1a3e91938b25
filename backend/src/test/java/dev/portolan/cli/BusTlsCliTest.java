package dev.portolan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.cluster.BusCertificates;
import dev.portolan.cluster.ClusterFixture;
import dev.portolan.config.BusTls;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The event bus's TLS options as a user meets them: real JVMs, exit codes, stderr and the startup
 * line.
 */
class BusTlsCliTest {

  private static Process launch(Map<String, String> env, String... args) throws Exception {
    return CliProcess.launch(env, args);
  }

  /** Runs to exit; asserts exit code 2 and exactly one line on stderr, which it returns. */
  private static String refused(Map<String, String> env, String... args) throws Exception {
    Process p = launch(env, args);
    p.getOutputStream().close();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "exits by itself");
    String stderr = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(2, p.exitValue(), stderr);
    List<String> lines =
        stderr.lines().filter(l -> !l.isBlank() && !l.startsWith("WARNING")).toList();
    assertEquals(1, lines.size(), stderr);
    assertTrue(lines.getFirst().startsWith("portolan: "), lines.getFirst());
    return lines.getFirst();
  }

  @Test
  void aClusterBeyondLoopbackWithoutBusTlsDoesNotStart() throws Exception {
    assertEquals(
        "portolan: the cluster host 10.1.2.3 is not loopback and the event bus has no TLS: give"
            + " --bus-tls-cert, --bus-tls-key and --bus-tls-ca, or --insecure to run it in plaintext",
        refused(Map.of(), "--role", "hub", "--cluster-host", "10.1.2.3"));
    assertEquals(
        "portolan: the hub 10.1.2.3:7071 is not loopback and the bridge has no TLS: give"
            + " --bus-tls-cert, --bus-tls-key and --bus-tls-ca, or --insecure to run it in plaintext",
        refused(Map.of(), "--role", "agent", "--hub", "10.1.2.3"),
        "an agent's link to a hub beyond loopback");
    assertEquals(
        "portolan: an agent reports to hubs over their bridge: give --hub HOST:PORT[,HOST:PORT...]"
            + " (a hub's --cluster-host and --bridge-port, 7071 by default)",
        refused(Map.of(), "--role", "agent"));
    assertTrue(
        refused(Map.of("PORTOLAN_CLUSTER_HOST", "10.1.2.3", "PORTOLAN_ROLE", "hub"))
            .contains("is not loopback"),
        "from the environment too");
  }

  @Test
  void partialOrUnreadableTlsFilesAreOneLineAndExitTwo(@TempDir Path dir) throws Exception {
    Path cert =
        Files.writeString(
            dir.resolve("tls.crt"),
            "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
    assertEquals(
        "portolan: event-bus TLS needs all three of --bus-tls-cert, --bus-tls-key and --bus-tls-ca"
            + " (missing: --bus-tls-key)",
        refused(
            Map.of("PORTOLAN_BUS_TLS_CA", cert.toString()),
            "--role",
            "agent",
            "--hub",
            "127.0.0.1:7071",
            "--bus-tls-cert",
            cert.toString()));
    Path key = dir.resolve("missing.key");
    assertEquals(
        "portolan: cannot read --bus-tls-key " + key + ": no such file",
        refused(
            Map.of(),
            "--role",
            "agent",
            "--hub",
            "127.0.0.1:7071",
            "--bus-tls-cert",
            cert.toString(),
            "--bus-tls-key",
            key.toString(),
            "--bus-tls-ca",
            cert.toString()));
  }

  @Test
  void aCertificateWithoutTheNodesRoleIsOneLineAndExitTwo(@TempDir Path dir) throws Exception {
    BusCertificates ca = BusCertificates.newCa(dir, "role-ca");
    BusTls agent = ca.node("web-1", "agent");
    BusTls none = ca.node("old-node");
    String[] agentFiles = {
      "--bus-tls-cert",
      agent.cert().toString(),
      "--bus-tls-key",
      agent.key().toString(),
      "--bus-tls-ca",
      agent.ca().toString()
    };
    assertEquals(
        "portolan: --bus-tls-cert "
            + agent.cert()
            + " is CN=web-1 (role agent): a hub needs a certificate"
            + " with the SAN URI urn:portolan:role:hub (see \"Securing the fleet\" in the README)",
        refused(Map.of(), concat(new String[] {"--role", "hub"}, agentFiles)));
    assertTrue(
        refused(Map.of(), concat(new String[] {"--cluster"}, agentFiles)).contains("a hub needs"),
        "role all in a cluster acts as a hub and needs a hub's certificate");
    assertEquals(
        "portolan: --bus-tls-cert "
            + none.cert()
            + " is CN=old-node (no role): an agent needs a certificate"
            + " with the SAN URI urn:portolan:role:agent (see \"Securing the fleet\" in the README)",
        refused(
            Map.of(),
            "--role",
            "agent",
            "--hub",
            "127.0.0.1:7071",
            "--bus-tls-cert",
            none.cert().toString(),
            "--bus-tls-key",
            none.key().toString(),
            "--bus-tls-ca",
            none.ca().toString()));
  }

  private static String[] concat(String[] a, String[] b) {
    String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }

  @Test
  void aNodeWithBusTlsSaysSoWhenItStarts(@TempDir Path dir) throws Exception {
    BusTls tls = BusCertificates.newCa(dir, "cli-ca").node("cli-agent", "agent");
    Process p =
        launch(
            Map.of("PORTOLAN_BUS_TLS_KEY", tls.key().toString()),
            "--role",
            "agent",
            "--node-name",
            "cli-agent",
            "--http-port",
            "0",
            "--hub",
            "127.0.0.1:" + ClusterFixture.freePort(), // no hub there: an agent starts anyway
            "--bus-tls-cert",
            tls.cert().toString(),
            "--bus-tls-ca",
            tls.ca().toString());
    try {
      BufferedReader out =
          new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      String line = out.readLine();
      assertTrue(
          line != null
              && line.startsWith("portolan: node cli-agent serving")
              && line.contains(", hub 127.0.0.1:")
              && line.contains(", bus TLS)"),
          "startup line: " + line);
    } finally {
      p.destroy();
      assertTrue(p.waitFor(30, TimeUnit.SECONDS), "stops on SIGTERM");
    }
  }
}
