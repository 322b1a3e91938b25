package dev.portolan.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.portolan.cluster.BusRole;
import dev.portolan.cluster.RoleTrustManager;
import java.net.Socket;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The simulator checks a hub's chain in full once, then takes the same chain without checking it
 * again; what the agents' check refuses (another CA's hub, an agent's certificate as a hub) is
 * refused every time.
 */
class HubChainMemoTest {
  @TempDir Path dir;

  /** The agents' real check, counting how often it is asked. */
  private static final class Counting extends X509ExtendedTrustManager {
    final RoleTrustManager real;
    final AtomicInteger asked = new AtomicInteger();

    Counting(RoleTrustManager real) {
      this.real = real;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      asked.incrementAndGet();
      real.checkServerTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] c, String a, Socket s)
        throws CertificateException {
      checkServerTrusted(c, a);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] c, String a, SSLEngine e)
        throws CertificateException {
      checkServerTrusted(c, a);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] c, String a) throws CertificateException {
      real.checkClientTrusted(c, a);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] c, String a, Socket s)
        throws CertificateException {
      real.checkClientTrusted(c, a);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] c, String a, SSLEngine e)
        throws CertificateException {
      real.checkClientTrusted(c, a);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return real.getAcceptedIssuers();
    }
  }

  @Test
  void aHubChainIsCheckedOnceAndWhatTheCheckRefusesAlways() throws Exception {
    FleetCa ca = FleetCa.create("test-fleet-ca");
    Path caPem = ca.write(dir, "fleet-ca").getFirst();
    Counting check = new Counting(RoleTrustManager.forCa(caPem, BusRole.AGENT));
    HubChainMemo memo = new HubChainMemo(check);

    X509Certificate hub = ca.issue("bench-hub", "hub").cert();
    // a fresh certificate object for each handshake, as the TLS stack parses it
    memo.checkServerTrusted(new X509Certificate[] {copy(hub)}, "UNKNOWN");
    memo.checkServerTrusted(new X509Certificate[] {copy(hub)}, "UNKNOWN");
    memo.checkServerTrusted(new X509Certificate[] {copy(hub)}, "UNKNOWN", (SSLEngine) null);
    assertEquals(1, check.asked.get());

    X509Certificate other = FleetCa.create("another-ca").issue("bench-hub", "hub").cert();
    X509Certificate agent = ca.issue("sim-0001", "agent").cert();
    for (int i = 1; i <= 2; i++) {
      assertThrows(
          CertificateException.class,
          () -> memo.checkServerTrusted(new X509Certificate[] {other}, "UNKNOWN"));
      assertThrows(
          CertificateException.class,
          () -> memo.checkServerTrusted(new X509Certificate[] {agent}, "UNKNOWN"));
    }
    assertEquals(5, check.asked.get());

    X509Certificate hub2 = ca.issue("bench-hub-b", "hub").cert();
    memo.checkServerTrusted(new X509Certificate[] {hub2}, "UNKNOWN");
    assertEquals(6, check.asked.get());
  }

  private static X509Certificate copy(X509Certificate c) throws Exception {
    return (X509Certificate)
        java.security.cert.CertificateFactory.getInstance("X.509")
            .generateCertificate(new java.io.ByteArrayInputStream(c.getEncoded()));
  }
}
