package dev.portolan.sim;

import java.net.Socket;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.KeyManagerFactorySpi;
import javax.net.ssl.ManagerFactoryParameters;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * One simulated agent's client key and certificate, held as objects. A {@code PemKeyCertOptions}
 * makes Vert.x build a PKCS#12 key store and a key manager factory (PBKDF2, tens of milliseconds)
 * each time it builds the TLS context, and a client's context cache holds 64 of them: with
 * thousands of agents on one client every connection built it again, and that work was most of the
 * simulator's CPU, taken from the hubs it measures on the same machine. This key manager costs
 * nothing to build again.
 */
final class AgentKeyManager extends X509ExtendedKeyManager {
  private static final String ALIAS = "agent";

  private final PrivateKey key;
  private final X509Certificate[] chain;

  AgentKeyManager(PrivateKey key, X509Certificate cert) {
    this.key = key;
    this.chain = new X509Certificate[] {cert};
  }

  /**
   * This key manager as a factory (Vert.x's {@code KeyCertOptions.wrap} of a key manager needs
   * SLF4J, which the simulator does not carry).
   */
  KeyManagerFactory asFactory() {
    return asFactory(() -> {});
  }

  /** The same, running {@code onUse} each time a TLS context takes its key managers (tests). */
  KeyManagerFactory asFactory(Runnable onUse) {
    return new SingleFactory(this, onUse);
  }

  private static final class SingleFactory extends KeyManagerFactory {
    private static final Provider PROVIDER =
        new Provider("portolan-sim-agent-key", "1", "a simulated agent's key") {};

    SingleFactory(KeyManager km, Runnable onUse) {
      super(
          new KeyManagerFactorySpi() {
            @Override
            protected void engineInit(KeyStore ks, char[] password) {}

            @Override
            protected void engineInit(ManagerFactoryParameters spec) {}

            @Override
            protected KeyManager[] engineGetKeyManagers() {
              onUse.run();
              return new KeyManager[] {km};
            }
          },
          PROVIDER,
          "portolan-sim-agent-key");
    }
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return matches(keyType) ? new String[] {ALIAS} : null;
  }

  @Override
  public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
    return choose(keyTypes);
  }

  @Override
  public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
    return choose(keyTypes);
  }

  /** An agent is never a server. */
  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    return null;
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return null;
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    return ALIAS.equals(alias) ? chain.clone() : null;
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    return ALIAS.equals(alias) ? key : null;
  }

  private String choose(String[] keyTypes) {
    if (keyTypes != null) {
      for (String t : keyTypes) {
        if (matches(t)) {
          return ALIAS;
        }
      }
    }
    return null;
  }

  /** Whether the key type the peer accepts ("EC", "RSA", ...) is this key's algorithm. */
  private boolean matches(String keyType) {
    return keyType != null && keyType.equalsIgnoreCase(key.getAlgorithm());
  }
}
