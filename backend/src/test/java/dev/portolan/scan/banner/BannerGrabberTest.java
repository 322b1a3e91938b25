package dev.portolan.scan.banner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.portolan.scan.ConnectivityCheckTest;
import dev.portolan.scan.banner.BannerGrabber.Probe;
import dev.portolan.web.Await;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BannerGrabberTest {
  private static final InetAddress LOOPBACK = InetAddress.ofLiteral("127.0.0.1");
  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private static final String SUBJECT = "CN=portolan-test,OU=scan,O=Portolan";

  @TempDir static Path tmp;
  private static SSLContext serverTls;
  private static Instant certNotAfter;

  /** A self-signed certificate made by the JDK's keytool, for the TLS servers of these tests. */
  @BeforeAll
  static void selfSignedCertificate() throws Exception {
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    Assumptions.assumeTrue(
        Files.isExecutable(keytool), "no keytool in " + keytool + " to make a test certificate");
    Path store = tmp.resolve("server.p12");
    Process p =
        new ProcessBuilder(
                keytool.toString(),
                "-genkeypair",
                "-alias",
                "server",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=portolan-test, OU=scan, O=Portolan",
                "-validity",
                "30",
                "-storetype",
                "PKCS12",
                "-keystore",
                store.toString(),
                "-storepass",
                "changeit",
                "-keypass",
                "changeit")
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, out);
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      ks.load(in, "changeit".toCharArray());
    }
    certNotAfter = ((X509Certificate) ks.getCertificate("server")).getNotAfter().toInstant();
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, "changeit".toCharArray());
    serverTls = SSLContext.getInstance("TLS");
    serverTls.init(kmf.getKeyManagers(), null, null);
  }

  /** What a test server does with one accepted connection. */
  interface Handler {
    void handle(Socket s) throws IOException;
  }

  /**
   * A loopback server on an ephemeral port running {@code handler} per connection, each on a
   * virtual thread.
   */
  static final class TestServer implements AutoCloseable {
    final ServerSocket socket;
    final List<Socket> accepted = new CopyOnWriteArrayList<>();
    final AtomicInteger bytesReceived = new AtomicInteger();
    final AtomicInteger closedConnections = new AtomicInteger();

    TestServer(ServerSocket socket, Handler handler) {
      this.socket = socket;
      Thread.ofVirtual()
          .start(
              () -> {
                while (!socket.isClosed()) {
                  Socket c;
                  try {
                    c = socket.accept();
                  } catch (IOException e) {
                    return;
                  }
                  accepted.add(c);
                  Thread.ofVirtual()
                      .start(
                          () -> {
                            try (c) {
                              handler.handle(c);
                            } catch (IOException e) {
                              // the client went away
                            } finally {
                              closedConnections.incrementAndGet();
                            }
                          });
                }
              });
    }

    static TestServer plain(Handler handler) throws IOException {
      return new TestServer(new ServerSocket(0, 50, LOOPBACK), handler);
    }

    static TestServer tls(boolean needClientAuth, Handler handler) throws IOException {
      SSLServerSocket s =
          (SSLServerSocket) serverTls.getServerSocketFactory().createServerSocket(0, 50, LOOPBACK);
      s.setNeedClientAuth(needClientAuth);
      return new TestServer(
          s,
          c -> {
            ((SSLSocket) c).startHandshake();
            handler.handle(c);
          });
    }

    int port() {
      return socket.getLocalPort();
    }

    /** Reads (and counts) until the client closes. */
    void drain(Socket s) throws IOException {
      byte[] buf = new byte[512];
      int n;
      while ((n = s.getInputStream().read(buf)) >= 0) {
        bytesReceived.addAndGet(n);
      }
    }

    @Override
    public void close() throws IOException {
      socket.close();
      for (Socket s : accepted) {
        s.close();
      }
    }
  }

  private static TestServer greeter(byte[] greeting) throws IOException {
    TestServer[] self = new TestServer[1];
    self[0] =
        TestServer.plain(
            s -> {
              s.getOutputStream().write(greeting);
              s.getOutputStream().flush();
              self[0].drain(s);
            });
    return self[0];
  }

  private static TestServer greeter(String greeting) throws IOException {
    return greeter(greeting.getBytes(StandardCharsets.ISO_8859_1));
  }

  /** Reads request lines up to the blank line; returns the first. */
  private static String readRequestHead(Socket s) throws IOException {
    InputStream in = s.getInputStream();
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) >= 0) {
      head.write(c);
      String t = head.toString(StandardCharsets.ISO_8859_1);
      if (t.endsWith("\r\n\r\n") || t.endsWith("\n\n")) {
        break;
      }
    }
    String t = head.toString(StandardCharsets.ISO_8859_1);
    return t.isEmpty() ? "" : t.lines().findFirst().orElse("");
  }

  /** One line, without its end. */
  private static String readLine(Socket s) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int c;
    while ((c = s.getInputStream().read()) >= 0 && c != '\n') {
      if (c != '\r') {
        line.write(c);
      }
    }
    return line.toString(StandardCharsets.ISO_8859_1);
  }

  private static long millisSince(long startNanos) {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }

  @Test
  void sshSaysWhoItIsWithoutBeingAsked() throws IOException {
    try (TestServer ssh = greeter("SSH-2.0-OpenSSH_9.6p1 Ubuntu-3ubuntu13\r\n")) {
      long start = System.nanoTime();
      Banner b = BannerGrabber.create(Duration.ofSeconds(2)).grab(LOOPBACK, ssh.port(), TIMEOUT);
      assertEquals(
          new Banner("ssh", "SSH-2.0-OpenSSH_9.6p1 Ubuntu-3ubuntu13", null, null, null), b);
      assertTrue(
          millisSince(start) < 1500, "a greeting ends the wait: " + millisSince(start) + " ms");
    }
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "220 mail.example.com ESMTP Postfix (Debian/GNU)|smtp",
        "220 (vsFTPd 3.0.5)|ftp",
        "220 ProFTPD Server (Debian) [::ffff:127.0.0.1]|ftp",
        "+OK Dovecot (Debian) ready.|pop3",
        "* OK [CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+ STARTTLS] Dovecot ready.|imap",
        "RFB 003.008|vnc",
        "@RSYNCD: 31.0|rsync",
      })
  void greetingsNameTheService(String greeting, String service) throws IOException {
    try (TestServer server = greeter(greeting + "\r\n")) {
      Banner b = BannerGrabber.create().grab(LOOPBACK, server.port(), TIMEOUT);
      assertEquals(new Banner(service, greeting, null, null, null), b);
    }
  }

  @Test
  void mysqlGreetingGivesTheVersion() throws IOException {
    ByteArrayOutputStream payload = new ByteArrayOutputStream();
    payload.write(0x0a);
    payload.writeBytes("8.0.36-0ubuntu0.22.04.1".getBytes(StandardCharsets.US_ASCII));
    payload.write(0);
    payload.writeBytes(
        new byte[] {
          0x2a,
          0,
          0,
          0,
          0x11,
          0x22,
          0x33,
          0x44,
          0x55,
          0x66,
          0x77,
          0x08,
          0,
          (byte) 0xff,
          (byte) 0xf7,
          (byte) 0xff,
          2,
          0,
          (byte) 0xff,
          (byte) 0xdf,
          0x15,
          0,
          0,
          0,
          0,
          0,
          0,
          0,
          0,
          0,
          0
        });
    try (TestServer mysql = greeter(packet(payload.toByteArray()))) {
      assertEquals(
          new Banner("mysql", "8.0.36-0ubuntu0.22.04.1", null, null, null),
          BannerGrabber.create().grab(LOOPBACK, mysql.port(), TIMEOUT));
    }
    ByteArrayOutputStream error = new ByteArrayOutputStream();
    error.writeBytes(new byte[] {(byte) 0xff, 0x6a, 0x04});
    error.writeBytes(
        "Host '127.0.0.1' is not allowed to connect to this MySQL server"
            .getBytes(StandardCharsets.US_ASCII));
    try (TestServer refusing = greeter(packet(error.toByteArray()))) {
      assertEquals(
          new Banner(
              "mysql",
              "Host '127.0.0.1' is not allowed to connect to this MySQL server",
              null,
              null,
              null),
          BannerGrabber.create().grab(LOOPBACK, refusing.port(), TIMEOUT));
    }
  }

  private static byte[] packet(byte[] payload) {
    byte[] p = new byte[payload.length + 4];
    p[0] = (byte) payload.length;
    p[1] = (byte) (payload.length >> 8);
    p[2] = (byte) (payload.length >> 16);
    p[3] = 0;
    System.arraycopy(payload, 0, p, 4, payload.length);
    return p;
  }

  @Test
  void binaryAndLongGreetingsStayPrintableAndShort() throws IOException {
    byte[] junk = new byte[1000];
    for (int i = 0; i < junk.length; i++) {
      junk[i] = (byte) (0x80 + i % 0x7f);
    }
    try (TestServer binary = greeter(junk)) {
      Banner b = BannerGrabber.create().grab(LOOPBACK, binary.port(), TIMEOUT);
      assertNotNull(b);
      assertNull(b.service());
      assertTrue(b.text().length() <= 200, b.text());
      assertTrue(b.text().startsWith("\\x80\\x81\\x82"), b.text());
      assertTrue(b.text().chars().allMatch(c -> c >= 0x20 && c < 0x7f), b.text());
    }
    try (TestServer chatty = greeter("SSH-2.0-" + "x".repeat(500) + "\r\n")) {
      Banner b = BannerGrabber.create().grab(LOOPBACK, chatty.port(), TIMEOUT);
      assertEquals("ssh", b.service());
      assertEquals(200, b.text().length());
      assertTrue(b.text().endsWith("xxx..."), b.text());
    }
  }

  /** The JDK's own HTTP server, with a Server header. */
  private static HttpServer httpServer(AtomicReference<String> method) throws IOException {
    HttpServer http = HttpServer.create(new InetSocketAddress(LOOPBACK, 0), 10);
    http.createContext(
        "/",
        exchange -> {
          method.set(exchange.getRequestMethod());
          exchange.getResponseHeaders().set("Server", "portolan-test/1.0");
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    http.start();
    return http;
  }

  @Test
  void httpPortsAreAskedRightAway() throws Exception {
    AtomicReference<String> method = new AtomicReference<>();
    HttpServer http = httpServer(method);
    try {
      int port = http.getAddress().getPort();
      BannerGrabber grabber =
          BannerGrabber.create(Duration.ofSeconds(3)).withProbe(port, Probe.HTTP);
      long start = System.nanoTime();
      Banner b = grabber.grab(LOOPBACK, port, TIMEOUT);
      assertEquals(new Banner("http", "HTTP/1.1 200 OK", "portolan-test/1.0", null, null), b);
      assertTrue(
          millisSince(start) < 2000,
          "no quiet wait on an HTTP port: " + millisSince(start) + " ms");
      assertEquals("HEAD", Await.until("the request", Duration.ofSeconds(5), method::get));
    } finally {
      http.stop(0);
    }
  }

  @Test
  void aQuietPortIsAskedHttpAfterTheWait() throws Exception {
    AtomicReference<String> method = new AtomicReference<>();
    HttpServer http = httpServer(method);
    try {
      Banner b =
          BannerGrabber.create(Duration.ofMillis(300))
              .grab(LOOPBACK, http.getAddress().getPort(), TIMEOUT);
      assertEquals(new Banner("http", "HTTP/1.1 200 OK", "portolan-test/1.0", null, null), b);
    } finally {
      http.stop(0);
    }
  }

  /** Answers PING with +PONG and anything else as Redis does. */
  private static TestServer fakeRedis() throws IOException {
    return TestServer.plain(
        s -> {
          String line = readLine(s);
          s.getOutputStream()
              .write(
                  (line.equals("PING")
                          ? "+PONG\r\n"
                          : "-ERR unknown command '"
                              + line.split(" ")[0]
                              + "', with args beginning with: '/' 'HTTP/1.0' \r\n")
                      .getBytes(StandardCharsets.US_ASCII));
          s.getOutputStream().flush();
        });
  }

  @Test
  void redisAnswersPingAndGivesItselfAwayOnHttp() throws IOException {
    try (TestServer redis = fakeRedis()) {
      assertEquals(
          new Banner("redis", "+PONG", null, null, null),
          BannerGrabber.create()
              .withProbe(redis.port(), Probe.REDIS)
              .grab(LOOPBACK, redis.port(), TIMEOUT));
      Banner asked =
          BannerGrabber.create(Duration.ofMillis(200)).grab(LOOPBACK, redis.port(), TIMEOUT);
      assertEquals("redis", asked.service());
      assertTrue(asked.text().startsWith("-ERR unknown command 'HEAD'"), asked.text());
    }
  }

  @Test
  void memcachedAnswersVersion() throws IOException {
    try (TestServer memcached =
        TestServer.plain(
            s -> {
              String line = readLine(s);
              s.getOutputStream()
                  .write(
                      (line.equals("version") ? "VERSION 1.6.21\r\n" : "ERROR\r\n")
                          .getBytes(StandardCharsets.US_ASCII));
              s.getOutputStream().flush();
              readLine(s);
            })) {
      assertEquals(
          new Banner("memcached", "VERSION 1.6.21", null, null, null),
          BannerGrabber.create()
              .withProbe(memcached.port(), Probe.MEMCACHED)
              .grab(LOOPBACK, memcached.port(), TIMEOUT));
    }
  }

  @Test
  void postgresAnswersTheSslRequest() throws IOException {
    byte[] expected = {0, 0, 0, 8, 0x04, (byte) 0xd2, 0x16, 0x2f};
    AtomicReference<byte[]> got = new AtomicReference<>();
    try (TestServer pg =
        TestServer.plain(
            s -> {
              got.set(s.getInputStream().readNBytes(8));
              s.getOutputStream().write('N');
              s.getOutputStream().flush();
              s.getInputStream().read();
            })) {
      Banner b =
          BannerGrabber.create()
              .withProbe(pg.port(), Probe.POSTGRES)
              .grab(LOOPBACK, pg.port(), TIMEOUT);
      assertEquals(new Banner("postgresql", "PostgreSQL (no TLS)", null, null, null), b);
      assertEquals(
          java.util.HexFormat.of().formatHex(expected),
          java.util.HexFormat.of().formatHex(got.get()));
    }
  }

  /** An HTTPS server: handshake, read the request head, answer with a Server header. */
  private static TestServer https(boolean needClientAuth) throws IOException {
    return TestServer.tls(
        needClientAuth,
        s -> {
          readRequestHead(s);
          s.getOutputStream()
              .write(
                  "HTTP/1.1 200 OK\r\nServer: tls-test/2\r\nContent-Length: 0\r\n\r\n"
                      .getBytes(StandardCharsets.US_ASCII));
          s.getOutputStream().flush();
        });
  }

  @Test
  void tlsPortsShowTheCertificateAndTheServerHeader() throws IOException {
    try (TestServer tls = https(false)) {
      Banner b =
          BannerGrabber.create()
              .withProbe(tls.port(), Probe.TLS_HTTP)
              .grab(LOOPBACK, tls.port(), TIMEOUT);
      assertEquals(new Banner("https", "HTTP/1.1 200 OK", "tls-test/2", SUBJECT, certNotAfter), b);
      assertTrue(
          b.tlsNotAfter().isAfter(Instant.now().plus(Duration.ofDays(29))),
          b.tlsNotAfter().toString());
    }
  }

  @Test
  void tlsIsRecognisedOnAnUnknownPortFromTheAnswerToHttp() throws IOException {
    try (TestServer tls = https(false)) {
      Banner b = BannerGrabber.create(Duration.ofMillis(200)).grab(LOOPBACK, tls.port(), TIMEOUT);
      assertEquals(new Banner("https", "HTTP/1.1 200 OK", "tls-test/2", SUBJECT, certNotAfter), b);
    }
  }

  @Test
  void aGreetingOverTlsIsKept() throws IOException {
    try (TestServer imaps =
        TestServer.tls(
            false,
            s -> {
              s.getOutputStream().write("* OK IMAPS ready\r\n".getBytes(StandardCharsets.US_ASCII));
              s.getOutputStream().flush();
              readRequestHead(s);
            })) {
      Banner b =
          BannerGrabber.create()
              .withProbe(imaps.port(), Probe.TLS)
              .grab(LOOPBACK, imaps.port(), TIMEOUT);
      assertEquals(new Banner("imaps", "* OK IMAPS ready", null, SUBJECT, certNotAfter), b);
    }
  }

  @Test
  void theCertificateIsKeptWhenTheServerWantsAClientCertificate() throws IOException {
    try (TestServer mtls = https(true)) {
      Banner b =
          BannerGrabber.create()
              .withProbe(mtls.port(), Probe.TLS_HTTP)
              .grab(LOOPBACK, mtls.port(), TIMEOUT);
      assertNotNull(b);
      assertEquals(SUBJECT, b.tlsSubject());
      assertEquals(certNotAfter, b.tlsNotAfter());
      assertNull(b.server(), "no HTTP without a client certificate");
    }
  }

  @Test
  void aClearTextServiceOnATlsPortIsStillRead() throws IOException {
    try (TestServer ssh = greeter("SSH-2.0-OpenSSH_9.6\r\n")) {
      Banner b =
          BannerGrabber.create()
              .withProbe(ssh.port(), Probe.TLS_HTTP)
              .grab(LOOPBACK, ssh.port(), TIMEOUT);
      assertEquals(new Banner("ssh", "SSH-2.0-OpenSSH_9.6", null, null, null), b);
    }
  }

  @Test
  void aSilentPortGivesNullWithinTheTimeout() throws IOException {
    try (TestServer silent =
        TestServer.plain(
            s -> {
              // accept, never answer; hold the connection until the client leaves
              s.getInputStream().transferTo(OutputStream.nullOutputStream());
            })) {
      Duration timeout = Duration.ofMillis(800);
      long start = System.nanoTime();
      assertNull(BannerGrabber.create().grab(LOOPBACK, silent.port(), timeout));
      long ms = millisSince(start);
      assertTrue(ms >= 700 && ms < 800 + 700, "took " + ms + " ms for a timeout of 800 ms");
    }
  }

  @Test
  void aClosedPortGivesNullAtOnce() throws IOException {
    int port = ConnectivityCheckTest.reservedAndClosedPort();
    long start = System.nanoTime();
    assertNull(BannerGrabber.create().grab(LOOPBACK, port, TIMEOUT));
    assertTrue(millisSince(start) < 1000, millisSince(start) + " ms");
  }

  @Test
  void aServerThatHangsUpWithoutAWordGivesNull() throws IOException {
    try (TestServer rude = TestServer.plain(s -> {})) {
      assertNull(BannerGrabber.create(Duration.ofMillis(200)).grab(LOOPBACK, rude.port(), TIMEOUT));
    }
  }

  @Test
  void printerPortsAreOnlyListenedTo() throws Exception {
    TestServer[] self = new TestServer[1];
    try (TestServer printer = TestServer.plain(s -> self[0].drain(s))) {
      self[0] = printer;
      Banner b =
          BannerGrabber.create(Duration.ofMillis(200))
              .withProbe(printer.port(), Probe.PASSIVE)
              .grab(LOOPBACK, printer.port(), TIMEOUT);
      assertNull(b);
      Await.until(
          "the grabber to hang up",
          Duration.ofSeconds(5),
          () -> printer.closedConnections.get() == 1 ? true : null);
      assertEquals(0, printer.bytesReceived.get(), "nothing may be sent to a printer port");
    }
    assertTrue(BannerGrabber.DEFAULT_PROBES.get(9100) == Probe.PASSIVE);
  }

  @Test
  void badArgumentsAndInterruptsGiveNull() throws Exception {
    try (TestServer ssh = greeter("SSH-2.0-x\r\n")) {
      BannerGrabber g = BannerGrabber.create();
      assertNull(g.grab(null, ssh.port(), TIMEOUT));
      assertNull(g.grab(LOOPBACK, 0, TIMEOUT));
      assertNull(g.grab(LOOPBACK, ssh.port(), Duration.ZERO));
      AtomicReference<Banner> seen =
          new AtomicReference<>(new Banner("unset", null, null, null, null));
      Thread t =
          Thread.ofVirtual()
              .start(
                  () -> {
                    Thread.currentThread().interrupt();
                    seen.set(g.grab(LOOPBACK, ssh.port(), TIMEOUT));
                  });
      t.join(5000);
      assertNull(seen.get());
    }
  }

  @Test
  void defaultPortHints() {
    assertEquals(Probe.HTTP, BannerGrabber.DEFAULT_PROBES.get(8080));
    assertEquals(Probe.HTTP, BannerGrabber.DEFAULT_PROBES.get(7070));
    assertEquals(Probe.TLS_HTTP, BannerGrabber.DEFAULT_PROBES.get(443));
    assertEquals(Probe.TLS_HTTP, BannerGrabber.DEFAULT_PROBES.get(6443));
    assertEquals(Probe.TLS, BannerGrabber.DEFAULT_PROBES.get(993));
    assertEquals(Probe.REDIS, BannerGrabber.DEFAULT_PROBES.get(6379));
    assertNull(BannerGrabber.DEFAULT_PROBES.get(22));
  }
}
