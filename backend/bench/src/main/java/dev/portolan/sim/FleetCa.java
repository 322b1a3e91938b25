package dev.portolan.sim;

import dev.portolan.config.BusTls;
import java.io.IOException;
import java.io.StringReader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;

/**
 * A fleet CA for the benchmark: an EC P-256 key and a self-signed CA certificate, and the node
 * certificates it signs as the README's openssl commands make them (CN = node name, SAN URI {@code
 * urn:portolan:role:<role>}, SAN IP 127.0.0.1, server and client authentication). Thousands of
 * agent certificates are made in memory in well under a second each (BouncyCastle's certificate
 * builder; keys and signatures from the JDK's own providers). Bench only: not in portolan.jar.
 */
public final class FleetCa {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis() * 1000);
  private static final long VALIDITY_MILLIS = 2L * 24 * 3600 * 1000;

  /** A certificate and its key, as objects and as PEM text. */
  public record Issued(X509Certificate cert, PrivateKey key, String certPem, String keyPem) {}

  private final X509Certificate cert;
  private final PrivateKey key;

  private FleetCa(X509Certificate cert, PrivateKey key) {
    this.cert = cert;
    this.key = key;
  }

  /** A new CA named {@code name}. */
  public static FleetCa create(String name) throws GeneralSecurityException {
    KeyPair pair = newKeyPair();
    X500Name subject = cn(name);
    long now = System.currentTimeMillis();
    try {
      JcaX509v3CertificateBuilder b =
          new JcaX509v3CertificateBuilder(
              subject,
              BigInteger.valueOf(SERIAL.incrementAndGet()),
              new Date(now - 3600_000),
              new Date(now + VALIDITY_MILLIS),
              subject,
              pair.getPublic());
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      b.addExtension(
          Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      return new FleetCa(convert(b.build(signer(pair.getPrivate()))), pair.getPrivate());
    } catch (IOException | OperatorCreationException e) {
      throw new GeneralSecurityException("cannot make the fleet CA: " + e.getMessage(), e);
    }
  }

  /** The CA in {@code certPem} with its PKCS#8 key {@code keyPem} (files {@link #write} made). */
  public static FleetCa load(Path certPem, Path keyPem)
      throws IOException, GeneralSecurityException {
    X509Certificate cert =
        (X509Certificate)
            CertificateFactory.getInstance("X.509")
                .generateCertificate(Files.newInputStream(certPem));
    byte[] der = pemContent(Files.readString(keyPem));
    PrivateKey key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
    return new FleetCa(cert, key);
  }

  /** Writes {@code <name>.pem} and {@code <name>.key.pem} into {@code dir}; returns both paths. */
  public List<Path> write(Path dir, String name) throws IOException, GeneralSecurityException {
    Path c = dir.resolve(name + ".pem");
    Path k = dir.resolve(name + ".key.pem");
    Files.writeString(c, pem("CERTIFICATE", cert.getEncoded()));
    Files.writeString(k, pem("PRIVATE KEY", key.getEncoded()));
    return List.of(c, k);
  }

  /** This CA's certificate as PEM. */
  public String certPem() throws GeneralSecurityException {
    return pem("CERTIFICATE", cert.getEncoded());
  }

  /** A node certificate for {@code node} with {@code role} ("hub" or "agent"). */
  public Issued issue(String node, String role) throws GeneralSecurityException {
    KeyPair pair = newKeyPair();
    long now = System.currentTimeMillis();
    try {
      JcaX509v3CertificateBuilder b =
          new JcaX509v3CertificateBuilder(
              cert,
              BigInteger.valueOf(SERIAL.incrementAndGet()),
              new Date(now - 3600_000),
              new Date(now + VALIDITY_MILLIS),
              cn(node),
              pair.getPublic());
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      b.addExtension(
          Extension.extendedKeyUsage,
          false,
          new ExtendedKeyUsage(
              new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
      List<GeneralName> names = new ArrayList<>();
      names.add(new GeneralName(GeneralName.iPAddress, "127.0.0.1"));
      names.add(
          new GeneralName(GeneralName.uniformResourceIdentifier, "urn:portolan:role:" + role));
      b.addExtension(
          Extension.subjectAlternativeName,
          false,
          new GeneralNames(names.toArray(GeneralName[]::new)));
      X509Certificate c = convert(b.build(signer(key)));
      return new Issued(
          c,
          pair.getPrivate(),
          pem("CERTIFICATE", c.getEncoded()),
          pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
    } catch (IOException | OperatorCreationException e) {
      throw new GeneralSecurityException(
          "cannot make a certificate for " + node + ": " + e.getMessage(), e);
    }
  }

  /**
   * A node certificate for {@code node} with {@code role} written into {@code dir}, with this CA:
   * the three files a node's {@code --bus-tls-*} options take.
   */
  public BusTls writeNode(Path dir, String node, String role)
      throws IOException, GeneralSecurityException {
    Issued issued = issue(node, role);
    Path c = dir.resolve(node + ".crt.pem");
    Path k = dir.resolve(node + ".key.pem");
    Path ca = dir.resolve("fleet-ca.pem");
    Files.writeString(c, issued.certPem());
    Files.writeString(k, issued.keyPem());
    Files.writeString(ca, certPem());
    return new BusTls(c, k, ca);
  }

  private static KeyPair newKeyPair() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
    return g.generateKeyPair();
  }

  private static ContentSigner signer(PrivateKey key) throws OperatorCreationException {
    return new JcaContentSignerBuilder("SHA256withECDSA").build(key);
  }

  private static X509Certificate convert(X509CertificateHolder holder)
      throws GeneralSecurityException {
    return new JcaX509CertificateConverter().getCertificate(holder);
  }

  private static X500Name cn(String name) {
    return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, name).build();
  }

  static String pem(String type, byte[] der) {
    String body =
        Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
  }

  private static byte[] pemContent(String text) throws IOException {
    try (PemReader r = new PemReader(new StringReader(text))) {
      PemObject o = r.readPemObject();
      if (o == null) {
        throw new IOException("no PEM object");
      }
      return o.getContent();
    }
  }
}
