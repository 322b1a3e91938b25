package dev.portolan.scan.banner;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * What the first bytes a TCP service sends say about it, for {@link BannerGrabber}: the service
 * guess and the text of a {@link Banner}, and whether an answer is complete or looks like TLS. Pure
 * functions of the bytes (and the port, where a greeting alone is ambiguous); no I/O.
 */
final class BannerClassifier {
  /** The longest text kept. */
  static final int MAX_TEXT = 200;

  private BannerClassifier() {}

  /**
   * Whether {@code len} bytes of {@code b} make a whole answer to wait no longer for: the end of
   * the HTTP headers when {@code http} and they are an HTTP response, else a first line (or a whole
   * MySQL packet).
   */
  static boolean complete(byte[] b, int len, boolean http) {
    if (http
        && len >= 5
        && b[0] == 'H'
        && b[1] == 'T'
        && b[2] == 'T'
        && b[3] == 'P'
        && b[4] == '/') {
      for (int i = 3; i < len; i++) {
        if (b[i] == '\n' && (b[i - 1] == '\n' || (b[i - 1] == '\r' && b[i - 2] == '\n'))) {
          return true;
        }
      }
      return false;
    }
    if (mysqlPacket(b, len) != null) {
      return true;
    }
    for (int i = 0; i < len; i++) {
      if (b[i] == '\n') {
        return true;
      }
    }
    return false;
  }

  /**
   * The payload of a complete first MySQL packet (3-byte little-endian length, sequence 0), or
   * null.
   */
  private static byte[] mysqlPacket(byte[] b, int len) {
    if (len < 5 || b[3] != 0) {
      return null;
    }
    int payload = (b[0] & 0xff) | (b[1] & 0xff) << 8 | (b[2] & 0xff) << 16;
    if (payload < 2 || payload > BannerGrabber.MAX_BYTES || len < 4 + payload) {
      return null;
    }
    if (b[4] != 0x0a && b[4] != (byte) 0xff) {
      return null;
    }
    return java.util.Arrays.copyOfRange(b, 4, 4 + payload);
  }

  /** Whether the bytes start a TLS record: handshake (22) or alert (21), version 3.x. */
  static boolean looksTls(byte[] b, int len) {
    return len >= 2 && (b[0] == 0x16 || b[0] == 0x15) && b[1] == 0x03;
  }

  /** Whether the bytes are an HTTP 400 answer saying the port wants HTTPS (TLS, SSL) instead. */
  static boolean httpSaysUseTls(byte[] b, int len) {
    String t = new String(b, 0, len, StandardCharsets.ISO_8859_1);
    return t.startsWith("HTTP/")
        && t.regionMatches(9, "400", 0, 3)
        && (t.contains("HTTPS") || t.contains("https") || t.contains("SSL") || t.contains("TLS"));
  }

  /**
   * PostgreSQL's one-byte answer to an SSLRequest ('S', 'N', or 'E' for an error), or null for
   * another byte.
   */
  static Banner postgres(byte answer) {
    if (answer != 'S' && answer != 'N' && answer != 'E') {
      return null;
    }
    return new Banner(
        "postgresql",
        answer == 'S'
            ? "PostgreSQL (accepts TLS)"
            : answer == 'N' ? "PostgreSQL (no TLS)" : "PostgreSQL",
        null,
        null,
        null);
  }

  /**
   * The service of a TLS port on which {@code inner} was found inside the TLS session (null:
   * nothing): https, smtps, imaps, pop3s, ftps, else {@code tls/} and the inner service, or {@code
   * tls}.
   */
  static String overTls(Banner inner) {
    return inner == null || inner.service() == null
        ? "tls"
        : switch (inner.service()) {
          case "http" -> "https";
          case "smtp" -> "smtps";
          case "imap" -> "imaps";
          case "pop3" -> "pop3s";
          case "ftp" -> "ftps";
          default -> "tls/" + inner.service();
        };
  }

  /**
   * What the first {@code len} bytes of {@code b} that a service on {@code port} sent say about it:
   * a MySQL greeting or error packet, a TLS record, an HTTP status line (with its {@code Server}
   * header), or a greeting line (SSH, SMTP or FTP, POP3, IMAP, Redis, memcached, VNC, rsync, AMQP);
   * else only the first line as text. Null when there is neither a service nor any printable text.
   */
  static Banner classify(byte[] b, int len, int port) {
    byte[] mysql = mysqlPacket(b, len);
    if (mysql != null) {
      if (mysql[0] == 0x0a) {
        int end = 1;
        while (end < mysql.length && mysql[end] != 0) {
          end++;
        }
        if (end < mysql.length && end > 1) {
          return new Banner(
              "mysql",
              printable(new String(mysql, 1, end - 1, StandardCharsets.ISO_8859_1)),
              null,
              null,
              null);
        }
      } else if (mysql.length > 3) {
        // error packet: 0xff, 2-byte code, message (e.g. "Host '10.0.0.9' is not allowed to
        // connect")
        return new Banner(
            "mysql",
            printable(new String(mysql, 3, mysql.length - 3, StandardCharsets.ISO_8859_1)),
            null,
            null,
            null);
      }
    }
    if (looksTls(b, len)) {
      return new Banner("tls", null, null, null, null);
    }
    String all = new String(b, 0, len, StandardCharsets.ISO_8859_1);
    String line = firstLine(all);
    String text = printable(line);
    String lower = line.toLowerCase(Locale.ROOT);
    if (line.startsWith("HTTP/")) {
      return new Banner("http", text, header(all, "server"), null, null);
    }
    String service = null;
    if (line.startsWith("SSH-")) {
      service = "ssh";
    } else if (line.startsWith("220")) {
      service =
          lower.contains("ftp")
              ? "ftp"
              : lower.contains("smtp")
                      || lower.contains("mail")
                      || lower.contains("postfix")
                      || lower.contains("exim")
                  ? "smtp"
                  : port == 21 || port == 990 || port == 2121 ? "ftp" : "smtp";
    } else if (line.startsWith("+OK")
        || (line.startsWith("-ERR") && (port == 110 || port == 995))) {
      service = "pop3";
    } else if (line.startsWith("* OK")
        || line.startsWith("* PREAUTH")
        || line.startsWith("* BYE")) {
      service = "imap";
    } else if (line.startsWith("+PONG")
        || line.startsWith("-NOAUTH")
        || line.startsWith("-DENIED")
        || line.startsWith("-ERR unknown command")
        || line.startsWith("-ERR wrong number of arguments")) {
      service = "redis";
    } else if (line.startsWith("VERSION ")) {
      service = "memcached";
    } else if (line.startsWith("RFB ")) {
      service = "vnc";
    } else if (line.startsWith("@RSYNCD:")) {
      service = "rsync";
    } else if (line.startsWith("AMQP")) {
      service = "amqp";
    }
    if (service == null && text == null) {
      return null;
    }
    return new Banner(service, text, null, null, null);
  }

  private static String firstLine(String all) {
    int end = 0;
    while (end < all.length() && all.charAt(end) != '\n' && all.charAt(end) != '\r') {
      end++;
    }
    return all.substring(0, end);
  }

  /** The value of HTTP header {@code name} (lower case) in the header block, or null. */
  private static String header(String response, String name) {
    int headersEnd = response.indexOf("\r\n\r\n");
    String head = headersEnd < 0 ? response : response.substring(0, headersEnd);
    for (String h : head.split("\r?\n")) {
      int colon = h.indexOf(':');
      if (colon > 0 && h.substring(0, colon).strip().toLowerCase(Locale.ROOT).equals(name)) {
        return printable(h.substring(colon + 1));
      }
    }
    return null;
  }

  /**
   * Printable ASCII, other bytes as {@code \xNN}, trimmed, at most 200 characters; null when empty.
   */
  static String printable(String s) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length() && b.length() <= MAX_TEXT; i++) {
      char c = s.charAt(i);
      if (c >= ' ' && c < 0x7f) {
        b.append(c);
      } else if (c == '\t') {
        b.append(' ');
      } else if (c <= 0xff) {
        b.append(String.format("\\x%02x", (int) c));
      } else {
        b.append('?');
      }
    }
    String t = b.toString().strip();
    if (t.length() > MAX_TEXT) {
      t = t.substring(0, MAX_TEXT - 3) + "...";
    }
    return t.isEmpty() ? null : t;
  }
}
