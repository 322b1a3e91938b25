package dev.portolan.sim;

import java.net.Socket;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.ManagerFactoryParameters;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.TrustManagerFactorySpi;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The simulated agents' trust in their hubs: the agents' own check ({@code RoleTrustManager}: the
 * fleet CA, the hub role), made once per hub certificate chain for the whole simulator instead of
 * once per connection. A real agent validates its hub's chain on its own CPU at every handshake;
 * the simulator makes thousands of handshakes on the CPUs it shares with the hub, with one chain
 * per hub, whose validation (a PKIX path check and an ECDSA verification each) was ~1/3 of its
 * handshake cost. Nothing the hub sees changes: the handshake's messages are the same (the server's
 * CertificateVerify signature is still checked by the TLS stack at every handshake). A chain is
 * remembered only once accepted and while its certificates are valid; a chain never seen is checked
 * in full. Thread-safe (the simulator's event loops share it).
 */
final class HubChainMemo extends X509ExtendedTrustManager {
  private final X509ExtendedTrustManager check;
  private final Set<List<X509Certificate>> accepted = ConcurrentHashMap.newKeySet();

  HubChainMemo(X509ExtendedTrustManager check) {
    this.check = check;
  }

  /** As a {@link TrustManagerFactory}, for Vert.x's {@code TrustOptions.wrap}. */
  TrustManagerFactory asFactory() {
    TrustManager self = this;
    return new TrustManagerFactory(
        new TrustManagerFactorySpi() {
          @Override
          protected void engineInit(KeyStore ks) {}

          @Override
          protected void engineInit(ManagerFactoryParameters spec) {}

          @Override
          protected TrustManager[] engineGetTrustManagers() {
            return new TrustManager[] {self};
          }
        },
        new java.security.Provider("portolan-sim-hub-chains", "1", "hub chains checked once") {},
        "portolan-sim-hub-chains") {};
  }

  /** Whether {@code chain} was accepted before and all its certificates are valid now. */
  private boolean known(X509Certificate[] chain) {
    if (!accepted.contains(List.of(chain))) {
      return false;
    }
    try {
      for (X509Certificate c : chain) {
        c.checkValidity();
      }
      return true;
    } catch (CertificateException expired) {
      accepted.remove(List.of(chain));
      return false;
    }
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    if (!known(chain)) {
      check.checkServerTrusted(chain, authType, engine);
      accepted.add(List.of(chain)); // X509Certificate's equals: the same encoding
    }
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    if (!known(chain)) {
      check.checkServerTrusted(chain, authType, socket);
      accepted.add(List.of(chain));
    }
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    if (!known(chain)) {
      check.checkServerTrusted(chain, authType);
      accepted.add(List.of(chain));
    }
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    check.checkClientTrusted(chain, authType, engine);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    check.checkClientTrusted(chain, authType, socket);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    check.checkClientTrusted(chain, authType);
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return check.getAcceptedIssuers();
  }
}
