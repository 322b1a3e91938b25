package dev.portolan.scan.banner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The text-to-service guess behind banners, on bytes alone (BannerGrabberTest has them over real
 * sockets).
 */
class BannerClassifierTest {

  private static Banner classify(String text, int port) {
    byte[] b = text.getBytes(StandardCharsets.ISO_8859_1);
    return BannerClassifier.classify(b, b.length, port);
  }

  @ParameterizedTest(name = "{0} on {2}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
      SSH-2.0-OpenSSH_9.6\\r\\n                    | ssh       | 22    | SSH-2.0-OpenSSH_9.6
      220 mail.example ESMTP Postfix\\r\\n         | smtp      | 25    | 220 mail.example ESMTP Postfix
      220 (vsFTPd 3.0.5)\\r\\n                     | ftp       | 21    | 220 (vsFTPd 3.0.5)
      220 Welcome\\r\\n                            | ftp       | 2121  | 220 Welcome
      220 Welcome\\r\\n                            | smtp      | 2525  | 220 Welcome
      +OK Dovecot ready.\\r\\n                     | pop3      | 110   | +OK Dovecot ready.
      -ERR go away\\r\\n                           | pop3      | 995   | -ERR go away
      * OK [CAPABILITY IMAP4rev1] ready\\r\\n      | imap      | 143   | * OK [CAPABILITY IMAP4rev1] ready
      +PONG\\r\\n                                  | redis     | 6379  | +PONG
      -NOAUTH Authentication required.\\r\\n       | redis     | 6379  | -NOAUTH Authentication required.
      VERSION 1.6.21\\r\\n                         | memcached | 11211 | VERSION 1.6.21
      RFB 003.008\\n                               | vnc       | 5900  | RFB 003.008
      @RSYNCD: 31.0\\n                             | rsync     | 873   | @RSYNCD: 31.0
      AMQP\\u0000\\u0000\\u0009\\u0001             | amqp      | 5672  | AMQP\\x00\\x00 \\x01
      """)
  void greetings(String sent, String service, int port, String text) {
    assertEquals(new Banner(service, text, null, null, null), classify(unescape(sent), port));
  }

  @Test
  void httpKeepsTheStatusLineAndServer() {
    assertEquals(
        new Banner("http", "HTTP/1.1 200 OK", "nginx/1.25.3", null, null),
        classify(
            "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nserver:  nginx/1.25.3 \r\n\r\nServer: not this",
            80));
    assertEquals(
        new Banner("http", "HTTP/1.0 404 Not Found", null, null, null),
        classify("HTTP/1.0 404 Not Found\r\n\r\n", 8080));
  }

  @Test
  void unknownTextIsKeptWithoutAService() {
    assertEquals(
        new Banner(null, "hello \\x01there", null, null, null),
        classify("hello \u0001there\r\nmore", 4000));
    assertNull(classify("\r\n", 4000));
    assertNull(classify("", 4000));
  }

  @Test
  void mysqlGreetingAndError() {
    byte[] greeting = mysqlPacket(0x0a, "8.0.36\u0000rest-of-handshake");
    assertEquals(
        new Banner("mysql", "8.0.36", null, null, null),
        BannerClassifier.classify(greeting, greeting.length, 3306));
    byte[] error = mysqlPacket(0xff, "\u006a\u0004Host '10.0.0.9' is not allowed to connect");
    assertEquals(
        new Banner("mysql", "Host '10.0.0.9' is not allowed to connect", null, null, null),
        BannerClassifier.classify(error, error.length, 3306));
    assertTrue(
        BannerClassifier.complete(error, error.length, false), "a whole packet is a whole answer");
    assertFalse(
        BannerClassifier.complete(error, error.length - 1, false), "a packet cut short is not");
  }

  @Test
  void tlsRecords() {
    byte[] hello = {0x16, 0x03, 0x03, 0x00, 0x10};
    byte[] alert = {0x15, 0x03, 0x01, 0x00, 0x02};
    assertTrue(BannerClassifier.looksTls(hello, hello.length));
    assertTrue(BannerClassifier.looksTls(alert, alert.length));
    assertFalse(BannerClassifier.looksTls(hello, 1));
    assertFalse(BannerClassifier.looksTls(new byte[] {0x16, 0x02}, 2));
    assertEquals(
        new Banner("tls", null, null, null, null),
        BannerClassifier.classify(hello, hello.length, 443));
  }

  @Test
  void anHttp400AskingForTls() {
    byte[] yes =
        "HTTP/1.1 400 Bad Request\r\n\r\nThe plain HTTP request was sent to HTTPS port"
            .getBytes(StandardCharsets.US_ASCII);
    byte[] other = "HTTP/1.1 400 Bad Request\r\n\r\nbad header".getBytes(StandardCharsets.US_ASCII);
    byte[] ok = "HTTP/1.1 200 OK\r\n\r\nTLS is nice".getBytes(StandardCharsets.US_ASCII);
    assertTrue(BannerClassifier.httpSaysUseTls(yes, yes.length));
    assertFalse(BannerClassifier.httpSaysUseTls(other, other.length));
    assertFalse(BannerClassifier.httpSaysUseTls(ok, ok.length));
  }

  @Test
  void completeAnswers() {
    byte[] head = "HTTP/1.1 200 OK\r\nServer: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    assertTrue(BannerClassifier.complete(head, head.length, true));
    assertFalse(
        BannerClassifier.complete(head, head.length - 2, true), "the headers have not ended");
    assertTrue(
        BannerClassifier.complete(head, head.length - 2, false),
        "a first line is enough when not HTTP");
    byte[] bare = "HTTP/1.0 200 OK\n\n".getBytes(StandardCharsets.US_ASCII);
    assertTrue(BannerClassifier.complete(bare, bare.length, true));
    byte[] partial = "SSH-2.0-Open".getBytes(StandardCharsets.US_ASCII);
    assertFalse(BannerClassifier.complete(partial, partial.length, false));
  }

  @Test
  void postgresAnswers() {
    assertEquals(
        new Banner("postgresql", "PostgreSQL (accepts TLS)", null, null, null),
        BannerClassifier.postgres((byte) 'S'));
    assertEquals(
        new Banner("postgresql", "PostgreSQL (no TLS)", null, null, null),
        BannerClassifier.postgres((byte) 'N'));
    assertEquals(
        new Banner("postgresql", "PostgreSQL", null, null, null),
        BannerClassifier.postgres((byte) 'E'));
    assertNull(BannerClassifier.postgres((byte) 'H'));
  }

  @Test
  void servicesOverTls() {
    assertEquals("tls", BannerClassifier.overTls(null));
    assertEquals("tls", BannerClassifier.overTls(new Banner(null, "hi", null, null, null)));
    assertEquals("https", BannerClassifier.overTls(new Banner("http", null, null, null, null)));
    assertEquals("smtps", BannerClassifier.overTls(new Banner("smtp", null, null, null, null)));
    assertEquals("imaps", BannerClassifier.overTls(new Banner("imap", null, null, null, null)));
    assertEquals("pop3s", BannerClassifier.overTls(new Banner("pop3", null, null, null, null)));
    assertEquals("ftps", BannerClassifier.overTls(new Banner("ftp", null, null, null, null)));
    assertEquals("tls/ssh", BannerClassifier.overTls(new Banner("ssh", null, null, null, null)));
  }

  @Test
  void printable() {
    assertEquals("a\\x00b\\xff", BannerClassifier.printable("a\u0000b\u00ff"));
    assertNull(BannerClassifier.printable("  \t "));
    assertEquals("a b ?", BannerClassifier.printable(" a\tb \u20ac "));
    String longText = BannerClassifier.printable("x".repeat(500));
    assertEquals(BannerClassifier.MAX_TEXT, longText.length());
    assertTrue(longText.endsWith("xxx..."), longText);
  }

  /**
   * A first MySQL packet: 3-byte little-endian length, sequence 0, then {@code first} and {@code
   * rest}.
   */
  private static byte[] mysqlPacket(int first, String rest) {
    byte[] body = rest.getBytes(StandardCharsets.ISO_8859_1);
    int length = body.length + 1;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(length & 0xff);
    out.write(length >>> 8 & 0xff);
    out.write(length >>> 16);
    out.write(0);
    out.write(first);
    out.writeBytes(body);
    return out.toByteArray();
  }

  /** {@code \r}, {@code \n} and {@code \}{@code uXXXX} as written in the table above. */
  private static String unescape(String s) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 1 < s.length()) {
        char n = s.charAt(++i);
        if (n == 'r') {
          b.append('\r');
        } else if (n == 'n') {
          b.append('\n');
        } else if (n == 'u') {
          b.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16));
          i += 4;
        } else {
          b.append(n);
        }
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }
}
