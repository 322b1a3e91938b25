package dev.portolan.cluster;

import dev.portolan.config.BusTls;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Certificates for event-bus TLS tests, made by the JDK's own {@code keytool} (always there with
 * the JDK that runs the tests): a CA, node certificates it signs ({@code keytool -gencert}) for
 * server and client authentication, and the PEM files the node options take. The private key comes
 * out of keytool's PKCS#12 store as PKCS#8 PEM. EC P-256 keys: quick to make.
 */
public final class BusCertificates {
  private static final String PASSWORD = "portolan-test";
  private final Path dir;
  private final String caName;
  private final Path caStore;

  /** The CA's certificate, PEM: what nodes trust. */
  public final Path caPem;

  private BusCertificates(Path dir, String caName) {
    this.dir = dir;
    this.caName = caName;
    this.caStore = dir.resolve(caName + ".p12");
    this.caPem = dir.resolve(caName + ".pem");
  }

  /** A new CA named {@code caName} (its files in {@code dir}). */
  public static BusCertificates newCa(Path dir, String caName) throws Exception {
    BusCertificates ca = new BusCertificates(dir, caName);
    keytool(
        "-genkeypair",
        "-alias",
        "ca",
        "-keyalg",
        "EC",
        "-groupname",
        "secp256r1",
        "-dname",
        "CN=" + caName,
        "-ext",
        "bc:c",
        "-validity",
        "2",
        "-keystore",
        ca.caStore.toString());
    keytool(
        "-exportcert",
        "-rfc",
        "-alias",
        "ca",
        "-keystore",
        ca.caStore.toString(),
        "-file",
        ca.caPem.toString());
    return ca;
  }

  /**
   * A node certificate signed by this CA and its key, with this CA to trust: the three files of
   * {@link BusTls}.
   */
  public BusTls node(String name) throws Exception {
    return node(name, null);
  }

  /**
   * As {@link #node(String)}, the certificate naming its bus role ({@code "hub"} or {@code
   * "agent"}; null for none) in a SAN URI {@code urn:portolan:role:<role>}, as the README's openssl
   * commands make them.
   */
  public BusTls node(String name, String role) throws Exception {
    Path store = dir.resolve(caName + "-" + name + ".p12");
    Path csr = dir.resolve(caName + "-" + name + ".csr");
    Path cert = dir.resolve(caName + "-" + name + ".crt.pem");
    keytool(
        "-genkeypair",
        "-alias",
        "node",
        "-keyalg",
        "EC",
        "-groupname",
        "secp256r1",
        "-dname",
        "CN=" + name,
        "-validity",
        "2",
        "-keystore",
        store.toString());
    keytool("-certreq", "-alias", "node", "-keystore", store.toString(), "-file", csr.toString());
    keytool(
        "-gencert",
        "-rfc",
        "-alias",
        "ca",
        "-keystore",
        caStore.toString(),
        "-infile",
        csr.toString(),
        "-outfile",
        cert.toString(),
        "-validity",
        "2",
        "-ext",
        "KU=digitalSignature",
        "-ext",
        "EKU=serverAuth,clientAuth",
        "-ext",
        "SAN=IP:127.0.0.1" + (role == null ? "" : ",URI:urn:portolan:role:" + role));
    return new BusTls(cert, writeKey(store, dir.resolve(caName + "-" + name + ".key.pem")), caPem);
  }

  /** The CA's own key and self-signed certificate as a node identity, trusting only itself. */
  public BusTls selfSigned() throws Exception {
    return new BusTls(caPem, writeKey(caStore, dir.resolve(caName + ".key.pem"), "ca"), caPem);
  }

  /**
   * The settings keys (busTlsCert, busTlsKey, busTlsCa) for {@code tls}, to add to a node's
   * settings.
   */
  public static Map<String, Object> settings(BusTls tls) {
    return Map.of(
        BusTls.CERT,
        tls.cert().toString(),
        BusTls.KEY,
        tls.key().toString(),
        BusTls.CA,
        tls.ca().toString());
  }

  private static Path writeKey(Path store, Path pem) throws Exception {
    return writeKey(store, pem, "node");
  }

  private static Path writeKey(Path store, Path pem, String alias) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      ks.load(in, PASSWORD.toCharArray());
    }
    PrivateKey key = (PrivateKey) ks.getKey(alias, PASSWORD.toCharArray());
    String body =
        Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
            .encodeToString(key.getEncoded());
    Files.writeString(
        pem, "-----BEGIN PRIVATE KEY-----\n" + body + "\n-----END PRIVATE KEY-----\n");
    return pem;
  }

  private static void keytool(String... args) throws IOException, InterruptedException {
    Path java = Path.of(ProcessHandle.current().info().command().orElseThrow());
    List<String> command =
        new ArrayList<>(
            List.of(
                java.resolveSibling("keytool").toString(),
                args[0],
                "-J-XX:TieredStopAtLevel=1",
                "-J-XX:+UseSerialGC",
                "-storetype",
                "PKCS12",
                "-storepass",
                PASSWORD));
    command.addAll(List.of(args).subList(1, args.length));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.getOutputStream().close();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IllegalStateException(
          "keytool failed: " + String.join(" ", command) + "\n" + output);
    }
  }
}
