package dev.portolan.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * TLS for the clustered event bus: this node's certificate chain ({@code cert}) and private key
 * ({@code key}), and the certificate authority ({@code ca}) every other node's certificate must be
 * signed by, all PEM files. Given, the bus accepts only connections whose client presents a
 * certificate of that CA and connects only to nodes that present one. Keys {@code busTlsCert},
 * {@code busTlsKey}, {@code busTlsCa}: all three or none.
 */
public record BusTls(Path cert, Path key, Path ca) {
  public static final String CERT = "busTlsCert";
  public static final String KEY = "busTlsKey";
  public static final String CA = "busTlsCa";

  /** The three files from the settings, null when none is given; one or two of them is an error. */
  static BusTls fromSettings(Map<String, Object> settings) {
    String cert = text(settings.get(CERT));
    String key = text(settings.get(KEY));
    String ca = text(settings.get(CA));
    if (cert == null && key == null && ca == null) {
      return null;
    }
    if (cert == null || key == null || ca == null) {
      throw new PortolanConfig.InvalidConfigException(
          "event-bus TLS needs all three of --bus-tls-cert, --bus-tls-key"
              + " and --bus-tls-ca (missing: "
              + missing(cert, key, ca)
              + ")");
    }
    return new BusTls(Path.of(cert), Path.of(key), Path.of(ca));
  }

  /**
   * Checks, before the node starts, that the three files can be read and hold what they should: a
   * certificate in {@code cert} and {@code ca}, a private key in {@code key}. Throws with one line
   * that names the file.
   */
  public void checkFiles() {
    check(cert, "--bus-tls-cert", "CERTIFICATE", "a PEM certificate (-----BEGIN CERTIFICATE-----)");
    check(
        key,
        "--bus-tls-key",
        "PRIVATE KEY",
        "a PEM private key (-----BEGIN PRIVATE KEY----- or RSA/EC PRIVATE KEY)");
    check(ca, "--bus-tls-ca", "CERTIFICATE", "a PEM certificate (-----BEGIN CERTIFICATE-----)");
  }

  private static void check(Path file, String option, String pemType, String what) {
    if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
      throw new PortolanConfig.InvalidConfigException(
          "cannot read "
              + option
              + " "
              + file
              + (Files.exists(file) ? ": not a readable file" : ": no such file"));
    }
    String text;
    try {
      text = Files.readString(file, StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      throw new PortolanConfig.InvalidConfigException(
          "cannot read " + option + " " + file + ": " + e.getMessage());
    }
    if (text.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----")) {
      throw new PortolanConfig.InvalidConfigException(
          option
              + " "
              + file
              + " is an encrypted private key: give it unencrypted (openssl pkcs8 -topk8 -nocrypt), readable only by the node");
    }
    if (!text.matches("(?s).*-----BEGIN [A-Z ]*" + pemType + "-----.*")) {
      throw new PortolanConfig.InvalidConfigException(option + " " + file + " is not " + what);
    }
  }

  private static String missing(String cert, String key, String ca) {
    StringBuilder sb = new StringBuilder();
    for (String[] p :
        new String[][] {{cert, "--bus-tls-cert"}, {key, "--bus-tls-key"}, {ca, "--bus-tls-ca"}}) {
      if (p[0] == null) {
        sb.append(sb.isEmpty() ? "" : ", ").append(p[1]);
      }
    }
    return sb.toString();
  }

  private static String text(Object value) {
    if (value == null) {
      return null;
    }
    String s = value.toString().trim();
    return s.isEmpty() ? null : s;
  }
}
