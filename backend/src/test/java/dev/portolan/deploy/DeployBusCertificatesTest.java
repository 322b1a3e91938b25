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
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The openssl commands README.md gives under "Securing the fleet", run as they are in a temporary
 * directory: they make a hub's and an agent's certificate with their roles, each of which a node of
 * that role starts with and the other role's trust treats as the README says (an agent accepts the
 * hub's, not another agent's). Skipped without openssl.
 */
class DeployBusCertificatesTest {

  @Test
  void theReadmesOpensslCommandsMakeAHubAndAnAgentCertificate(@TempDir Path dir) throws Exception {
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
    BusTls agent =
        new BusTls(
            tls.resolve("agent/tls.crt"),
            tls.resolve("agent/tls.key"),
            tls.resolve("agent/ca.crt"));
    assertEquals(
        new BusIdentity("portolan-hub", Set.of(BusRole.HUB)), BusIdentity.read(hub.cert()));
    assertEquals(
        new BusIdentity("portolan-agent", Set.of(BusRole.AGENT)), BusIdentity.read(agent.cert()));
    for (BusTls files : new BusTls[] {hub, agent}) {
      assertDoesNotThrow(files::checkFiles, "a node reads " + files);
    }
    assertDoesNotThrow(() -> BusTlsOptions.checkOwnRole(hub, BusRole.HUB));
    assertDoesNotThrow(() -> BusTlsOptions.checkOwnRole(agent, BusRole.AGENT));
    assertThrows(RuntimeException.class, () -> BusTlsOptions.checkOwnRole(agent, BusRole.HUB));

    RoleTrustManager atAgent = RoleTrustManager.forCa(agent.ca(), BusRole.AGENT);
    RoleTrustManager atHub = RoleTrustManager.forCa(hub.ca(), BusRole.HUB);
    X509Certificate[] hubChain = {certificate(hub.cert())};
    X509Certificate[] agentChain = {certificate(agent.cert())};
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
    assertDoesNotThrow(
        () -> atHub.checkClientTrusted(agentChain, "ECDHE_ECDSA"), "a hub accepts the agent");
    assertDoesNotThrow(
        () -> atHub.checkServerTrusted(hubChain, "ECDHE_ECDSA"), "a hub accepts another hub");
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
