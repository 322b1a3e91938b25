package dev.portolan.deploy;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.cluster.BusIdentity;
import dev.portolan.cluster.BusRole;
import dev.portolan.cluster.BusTlsOptions;
import dev.portolan.cluster.RoleTrustManager;
import dev.portolan.config.BusTls;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The openssl commands README.md gives under "Securing the fleet", run as they are in a temporary
 * directory: they make a hub's certificate and one per agent of the compose demo, whose CN is the
 * agent's node name, each with its role; a node of that role (and, for an agent, that name) starts
 * with it, and the other role's trust treats it as the README says (an agent accepts the hub's, not
 * another agent's; a hub's cluster bus refuses agents, its bridge takes them). Skipped without
 * openssl.
 */
class DeployBusCertificatesTest {

  @Test
  void theReadmesOpensslCommandsMakeAHubCertificateAndOnePerAgent(@TempDir Path dir)
      throws Exception {
    Assumptions.assumeTrue(
        onPath("openssl"), "openssl is not installed: cannot run the README's commands");
    String readme = Files.readString(DeployFiles.root().resolve("README.md"));
    int section = readme.indexOf("Making the files with openssl");
    assertTrue(section > 0, "README.md says how to make the bus certificates with openssl");
    int start = readme.indexOf("```sh\n", section) + "```sh\n".length();
    String script = readme.substring(start, readme.indexOf("```", start));
    Process p =
        new ProcessBuilder("bash", "-euo", "pipefail", "-c", script)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .start();
    p.getOutputStream().close();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the commands finish");
    assertEquals(0, p.exitValue(), "the README's commands run: " + output);

    Path tls = dir.resolve("bus-tls");
    BusTls hub =
        new BusTls(
            tls.resolve("hub/tls.crt"), tls.resolve("hub/tls.key"), tls.resolve("hub/ca.crt"));
    assertEquals(
        new BusIdentity("portolan-hub", Set.of(BusRole.HUB)), BusIdentity.read(hub.cert()));
    assertDoesNotThrow(hub::checkFiles, "a node reads " + hub);
    assertDoesNotThrow(() -> BusTlsOptions.checkOwnRole(hub, BusRole.HUB));
    RoleTrustManager atHub = RoleTrustManager.forCa(hub.ca(), BusRole.HUB);
    X509Certificate[] hubChain = {certificate(hub.cert())};
    assertDoesNotThrow(
        () -> atHub.checkServerTrusted(hubChain, "ECDHE_ECDSA"), "a hub accepts another hub");
    assertDoesNotThrow(
        () -> atHub.checkClientTrusted(hubChain, "ECDHE_ECDSA"), "a hub accepts another hub");

    // one certificate per agent, named after the node: the compose demo's agents, by default
    List<String> agents = composeAgents();
    assertEquals(List.of("agent1", "agent2"), agents, "the compose demo's agents");
    for (String node : agents) {
      Path d = tls.resolve("agent").resolve(node);
      BusTls agent = new BusTls(d.resolve("tls.crt"), d.resolve("tls.key"), d.resolve("ca.crt"));
      assertEquals(
          new BusIdentity(node, Set.of(BusRole.AGENT)),
          BusIdentity.read(agent.cert()),
          "the agent certificate of " + node + " names it (CN) and has the agent role");
      assertDoesNotThrow(agent::checkFiles, "a node reads " + agent);
      assertDoesNotThrow(() -> BusTlsOptions.checkOwnRole(agent, BusRole.AGENT));
      assertThrows(RuntimeException.class, () -> BusTlsOptions.checkOwnRole(agent, BusRole.HUB));
      assertDoesNotThrow(
          () -> BusTlsOptions.checkAgentName(agent, node),
          node + " starts with its certificate (its node name is the CN)");
      assertThrows(
          RuntimeException.class,
          () -> BusTlsOptions.checkAgentName(agent, node + "-other"),
          "another node name does not start with " + node + "'s certificate");

      RoleTrustManager atAgent = RoleTrustManager.forCa(agent.ca(), BusRole.AGENT);
      X509Certificate[] agentChain = {certificate(agent.cert())};
      assertDoesNotThrow(
          () -> atAgent.checkServerTrusted(hubChain, "ECDHE_ECDSA"),
          "an agent accepts the hub's bridge");
      assertDoesNotThrow(
          () -> atAgent.checkClientTrusted(hubChain, "ECDHE_ECDSA"), "an agent accepts the hub");
      assertThrows(
          CertificateException.class,
          () -> atAgent.checkClientTrusted(agentChain, "ECDHE_ECDSA"),
          "an agent refuses another agent");
      assertThrows(
          CertificateException.class,
          () -> atAgent.checkServerTrusted(agentChain, "ECDHE_ECDSA"),
          "an agent does not deliver to another agent");
      assertThrows(
          CertificateException.class,
          () -> atHub.checkClientTrusted(agentChain, "ECDHE_ECDSA"),
          "a hub's cluster bus refuses the agent (agents are no members)");
      // the hub's bridge trusts the bus CA (PKIX) and then requires the agent role
      assertDoesNotThrow(
          () -> pkix(hub.ca()).checkClientTrusted(agentChain, "ECDHE_ECDSA"),
          "the hub's bridge accepts the agent: the bus CA signed it");
    }
  }

  /** The agents of docker-compose.yml, by host name (their node names). */
  private static List<String> composeAgents() throws Exception {
    Map<String, Object> services = DeployFiles.map(DeployFiles.compose(), "services");
    List<String> out = new ArrayList<>();
    for (String name : services.keySet()) {
      Map<String, Object> s = DeployFiles.asMap(services.get(name), name);
      List<String> command = DeployFiles.strings(s, "command");
      int role = command.indexOf("--role");
      if (role >= 0 && "agent".equals(command.get(role + 1))) {
        out.add(DeployFiles.str(s, "hostname"));
      }
    }
    return out.stream().sorted().toList();
  }

  /** The JDK's PKIX trust manager over the CA(s) in {@code caPem}, as a PEM trust option makes. */
  private static X509TrustManager pkix(Path caPem) throws Exception {
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    store.load(null, null);
    try (InputStream in = Files.newInputStream(caPem)) {
      store.setCertificateEntry(
          "ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
    factory.init(store);
    for (TrustManager tm : factory.getTrustManagers()) {
      if (tm instanceof X509TrustManager x) {
        return x;
      }
    }
    throw new AssertionError("no X.509 trust manager");
  }

  private static X509Certificate certificate(Path pem) throws Exception {
    try (InputStream in = Files.newInputStream(pem)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
  }

  private static boolean onPath(String tool) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!d.isEmpty() && Files.isExecutable(Path.of(d, tool))) {
        return true;
      }
    }
    return false;
  }
}
