package dev.portolan.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The event bus's trust: a peer's certificate must chain to the bus CA (the JDK's PKIX trust
 * manager decides that) and then carry one of the roles this node accepts ({@link
 * BusRole#accepts()}). Both ways: as a server (a peer that connects to deliver a message, checked
 * as a client) and as a client (a peer this node connects to, to deliver one). A refused peer is
 * logged once per certificate subject (at most {@value #REMEMBERED} remembered).
 */
public final class RoleTrustManager extends X509ExtendedTrustManager {
  static final int REMEMBERED = 256;
  private static final Logger LOG = Logger.getLogger(RoleTrustManager.class.getName());

  private final X509ExtendedTrustManager ca;
  private final BusRole self;
  private final Set<BusRole> accepted;
  private final Set<String> refusedSubjects =
      Collections.newSetFromMap(
          Collections.synchronizedMap(
              new LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                  return size() > REMEMBERED;
                }
              }));

  public RoleTrustManager(X509ExtendedTrustManager ca, BusRole self) {
    this.ca = ca;
    this.self = self;
    this.accepted = self.accepts();
  }

  /**
   * A trust manager for a node of role {@code self} that trusts the CA certificate(s) in the PEM
   * file {@code caPem}.
   */
  public static RoleTrustManager forCa(Path caPem, BusRole self)
      throws IOException, GeneralSecurityException {
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    store.load(null, null);
    try (InputStream in = Files.newInputStream(caPem)) {
      int i = 0;
      for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        store.setCertificateEntry("bus-ca-" + i++, c);
      }
      if (i == 0) {
        throw new CertificateException(caPem + " holds no certificate");
      }
    }
    TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
    factory.init(store);
    for (TrustManager tm : factory.getTrustManagers()) {
      if (tm instanceof X509ExtendedTrustManager x) {
        return new RoleTrustManager(x, self);
      }
    }
    throw new GeneralSecurityException("no X.509 trust manager for " + caPem);
  }

  /**
   * This trust manager as a {@link TrustManagerFactory} (for {@code
   * TrustOptions.wrap(TrustManagerFactory)}: Vert.x's {@code TrustOptions.wrap(TrustManager)} needs
   * SLF4J, which Portolan does not ship).
   */
  public TrustManagerFactory asFactory() {
    return new SingleFactory(this);
  }

  private static final class SingleFactory extends TrustManagerFactory {
    private static final java.security.Provider PROVIDER =
        new java.security.Provider("portolan-bus-roles", "1", "the event bus's role check") {};

    SingleFactory(TrustManager tm) {
      super(
          new javax.net.ssl.TrustManagerFactorySpi() {
            @Override
            protected void engineInit(KeyStore ks) {}

            @Override
            protected void engineInit(javax.net.ssl.ManagerFactoryParameters spec) {}

            @Override
            protected TrustManager[] engineGetTrustManagers() {
              return new TrustManager[] {tm};
            }
          },
          PROVIDER,
          "portolan-bus-roles");
    }
  }

  /** Throws unless the verified peer's certificate carries a role this node accepts. */
  void checkRole(X509Certificate[] chain, String peer) throws CertificateException {
    BusIdentity identity = BusIdentity.of(chain[0]);
    if (identity.hasAny(accepted)) {
      return;
    }
    String why =
        "bus "
            + peer
            + " "
            + identity.describe()
            + " refused: this "
            + self.wireName()
            + " accepts only "
            + String.join(" and ", accepted.stream().map(BusRole::wireName).sorted().toList())
            + " certificates";
    if (refusedSubjects.add(chain[0].getSubjectX500Principal().getName())) {
      LOG.warning(why);
    }
    throw new CertificateException(why);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    ca.checkClientTrusted(chain, authType);
    checkRole(chain, "client");
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    ca.checkServerTrusted(chain, authType);
    checkRole(chain, "server");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    ca.checkClientTrusted(chain, authType, socket);
    checkRole(chain, "client");
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    ca.checkServerTrusted(chain, authType, socket);
    checkRole(chain, "server");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    ca.checkClientTrusted(chain, authType, engine);
    checkRole(chain, "client");
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    ca.checkServerTrusted(chain, authType, engine);
    checkRole(chain, "server");
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return ca.getAcceptedIssuers();
  }
}
