package dev.portolan.scan.banner;

import dev.portolan.scan.IpLiterals;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Light service detection on an open TCP port, for a scan's banners: what the service says about
 * itself in the first moments of a connection.
 *
 * <p>How it asks, by port (see {@link Probe}; other ports are treated as {@link Probe#LISTEN}):
 *
 * <ol>
 *   <li>Services that speak first are listened to for a quiet wait (1.5 s by default, at most half
 *       the timeout): SSH ({@code SSH-2.0-...}), SMTP and FTP ({@code 220 ...}), POP3 ({@code
 *       +OK}), IMAP ({@code * OK}), the MySQL and MariaDB greeting (service {@code mysql}, text =
 *       server version), VNC ({@code RFB}).
 *   <li>If nothing was said, or right away on HTTP-like ports (80, 3000, 5000, 7070, 8000, 8080,
 *       8888, 9090...), it sends {@code HEAD / HTTP/1.0} and keeps the status line and the {@code
 *       Server} header.
 *   <li>Redis ports get {@code PING} ({@code +PONG}, or {@code -NOAUTH...}: redis); PostgreSQL gets
 *       an SSLRequest (it answers 'S' or 'N'); memcached gets {@code version}.
 *   <li>TLS ports (443, 465, 636, 993, 995, 6443, 8443, 10250...), and any port whose answer to the
 *       HTTP request looks like TLS (a TLS record, or a hang-up without a word), get a TLS
 *       handshake that <b>accepts any certificate</b>: the certificate is only read, to report the
 *       leaf's subject and notAfter, and is never trusted for anything (nothing is sent but the
 *       probe). Then, if time is left, the service's greeting or its HTTP {@code Server} header
 *       over TLS. The leaf is kept even when the server then refuses the handshake (for example,
 *       because it wants a client certificate).
 *   <li>Printer ports 9100-9107 are only listened to: a JetDirect printer prints whatever it
 *       receives (nmap excludes them for the same reason).
 * </ol>
 *
 * <p>Text is kept printable ({@code \xNN} for other bytes) and at most 200 characters; at most 4
 * KiB are read per step. {@link #grab} blocks for at most about the timeout (connect included) and
 * is meant for virtual threads; it never throws, and an interrupt makes it return null (the flag
 * stays set). Instances are thread-safe.
 */
public final class BannerGrabber {
  static final int MAX_BYTES = 4096;
  static final Duration DEFAULT_QUIET_WAIT = Duration.ofMillis(1500);

  /** After the first bytes of an answer, how long to wait for the rest of its first line. */
  private static final long REST_OF_LINE_NANOS = 300_000_000L;

  /** How to approach a port. */
  enum Probe {
    /** Listen; if quiet, ask HTTP; TLS when the answer looks like TLS. */
    LISTEN,
    /** Ask HTTP right away. */
    HTTP,
    /** TLS handshake, then ask HTTP right away. */
    TLS_HTTP,
    /** TLS handshake, then listen for a greeting; if quiet, ask HTTP. */
    TLS,
    /** Send PING. */
    REDIS,
    /** Send an SSLRequest. */
    POSTGRES,
    /** Send "version". */
    MEMCACHED,
    /** Only listen; never send anything. */
    PASSIVE
  }

  static final Map<Integer, Probe> DEFAULT_PROBES = defaultProbes();

  private static Map<Integer, Probe> defaultProbes() {
    Map<Integer, Probe> m = new HashMap<>();
    for (int p :
        new int[] {
          80, 81, 591, 2375, 3000, 4000, 5000, 5601, 7070, 8000, 8001, 8008, 8080, 8081, 8082, 8088,
          8888, 9000, 9090, 9093, 9200, 10255, 15672
        }) {
      m.put(p, Probe.HTTP);
    }
    for (int p :
        new int[] {443, 2376, 2379, 2380, 4443, 5986, 6443, 8443, 9443, 10250, 10257, 10259}) {
      m.put(p, Probe.TLS_HTTP);
    }
    for (int p :
        new int[] {465, 563, 636, 853, 989, 990, 992, 993, 994, 995, 5061, 5671, 6697, 8883}) {
      m.put(p, Probe.TLS);
    }
    m.put(6379, Probe.REDIS);
    m.put(26379, Probe.REDIS);
    m.put(5432, Probe.POSTGRES);
    m.put(11211, Probe.MEMCACHED);
    for (int p = 9100; p <= 9107; p++) {
      m.put(p, Probe.PASSIVE);
    }
    return Map.copyOf(m);
  }

  private final Duration quietWait;
  private final Map<Integer, Probe> probes;

  BannerGrabber(Duration quietWait, Map<Integer, Probe> probes) {
    if (quietWait.isNegative()) {
      throw new IllegalArgumentException("negative quiet wait");
    }
    this.quietWait = quietWait;
    this.probes = Map.copyOf(probes);
  }

  public static BannerGrabber create() {
    return new BannerGrabber(DEFAULT_QUIET_WAIT, DEFAULT_PROBES);
  }

  /**
   * With another wait for services that speak first (nmap waits up to 6 s; the default here is 1.5
   * s).
   */
  public static BannerGrabber create(Duration quietWait) {
    return new BannerGrabber(quietWait, DEFAULT_PROBES);
  }

  /**
   * This grabber with {@code probe} used for {@code port} (for tests, whose servers sit on
   * ephemeral ports).
   */
  BannerGrabber withProbe(int port, Probe probe) {
    Map<Integer, Probe> m = new HashMap<>(probes);
    m.put(port, probe);
    return new BannerGrabber(quietWait, m);
  }

  /**
   * Blocking (call it on a virtual thread); never throws; null when the port said nothing useful in
   * time.
   */
  public Banner grab(InetAddress address, int port, Duration timeout) {
    if (address == null
        || port < 1
        || port > 65535
        || timeout == null
        || timeout.isNegative()
        || timeout.isZero()
        || Thread.currentThread().isInterrupted()) {
      return null;
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    long quiet = Math.min(quietWait.toNanos(), timeout.toNanos() / 2);
    Probe probe = probes.getOrDefault(port, Probe.LISTEN);
    try {
      if (probe == Probe.TLS_HTTP || probe == Probe.TLS) {
        Attempt tls = tls(address, port, deadline, quiet, probe == Probe.TLS_HTTP);
        if (tls.banner != null || !tls.notTls) {
          return tls.banner;
        }
        // not TLS after all: ask in clear with the time left
        probe = probe == Probe.TLS_HTTP ? Probe.HTTP : Probe.LISTEN;
      }
      return plain(address, port, deadline, quiet, probe);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private record Attempt(Banner banner, boolean notTls) {}

  private Banner plain(InetAddress address, int port, long deadline, long quiet, Probe probe)
      throws IOException {
    try (Socket s = connect(address, port, deadline)) {
      if (s == null) {
        return null;
      }
      InputStream in = s.getInputStream();
      OutputStream out = s.getOutputStream();
      if (probe == Probe.LISTEN || probe == Probe.PASSIVE) {
        Reply greeting = read(s, in, Math.min(deadline, System.nanoTime() + quiet), false);
        if (greeting.length > 0) {
          if (greeting.looksTls()) {
            s.close();
            return tlsAfterPlain(address, port, deadline);
          }
          return greeting.classify(port);
        }
        if (greeting.eof || probe == Probe.PASSIVE) {
          return null;
        }
      }
      byte[] request =
          switch (probe) {
            case REDIS -> "PING\r\n".getBytes(StandardCharsets.US_ASCII);
            case POSTGRES -> new byte[] {0, 0, 0, 8, 0x04, (byte) 0xd2, 0x16, 0x2f};
            case MEMCACHED -> "version\r\n".getBytes(StandardCharsets.US_ASCII);
            default -> httpRequest(address, port);
          };
      out.write(request);
      out.flush();
      Reply reply = read(s, in, deadline, probe == Probe.HTTP || probe == Probe.LISTEN);
      if (reply.length == 0) {
        // a server that hangs up on a clear-text request without a word may be waiting for a TLS
        // hello
        s.close();
        return reply.eof && probe != Probe.POSTGRES ? tlsAfterPlain(address, port, deadline) : null;
      }
      Banner postgres = probe == Probe.POSTGRES ? BannerClassifier.postgres(reply.bytes[0]) : null;
      if (postgres != null) {
        return postgres;
      }
      if (reply.looksTls() || reply.httpSaysUseTls()) {
        s.close();
        Banner tls = tlsAfterPlain(address, port, deadline);
        return tls != null ? tls : reply.classify(port);
      }
      return reply.classify(port);
    }
  }

  private Banner tlsAfterPlain(InetAddress address, int port, long deadline) throws IOException {
    if (deadline - System.nanoTime() < 50_000_000L) {
      return null;
    }
    return tls(address, port, deadline, 0, true).banner;
  }

  /**
   * A TLS handshake accepting any certificate (it is only read), then HTTP or a greeting. {@code
   * notTls}: the handshake failed before any certificate came, so the port may speak in clear.
   */
  private Attempt tls(InetAddress address, int port, long deadline, long quiet, boolean http)
      throws IOException {
    AtomicReference<X509Certificate> leaf = new AtomicReference<>();
    SSLContext context;
    try {
      context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[] {new ReadOnlyTrustManager(leaf)}, null);
    } catch (java.security.GeneralSecurityException e) {
      return new Attempt(null, true);
    }
    Socket raw = connect(address, port, deadline);
    if (raw == null) {
      return new Attempt(null, false);
    }
    try (SSLSocket s =
        (SSLSocket)
            context.getSocketFactory().createSocket(raw, address.getHostAddress(), port, true)) {
      try {
        s.setSoTimeout(remainingMillis(deadline));
        s.startHandshake();
      } catch (IOException e) {
        X509Certificate cert = leaf.get();
        return cert == null
            ? new Attempt(null, !(e instanceof SocketTimeoutException))
            : new Attempt(
                new Banner("tls", null, null, subject(cert), cert.getNotAfter().toInstant()),
                false);
      }
      X509Certificate cert = leaf.get();
      if (cert == null) {
        Certificate[] chain = s.getSession().getPeerCertificates();
        cert = chain.length > 0 && chain[0] instanceof X509Certificate x ? x : null;
      }
      String subject = cert == null ? null : subject(cert);
      Instant notAfter = cert == null ? null : cert.getNotAfter().toInstant();
      Banner inner = null;
      try {
        InputStream in = s.getInputStream();
        if (!http && quiet > 0) {
          Reply greeting = read(s, in, Math.min(deadline, System.nanoTime() + quiet), false);
          if (greeting.length > 0) {
            inner = greeting.classify(port);
          } else if (greeting.eof) {
            http = false;
          } else {
            http = true;
          }
        }
        if (inner == null && http && deadline - System.nanoTime() > 10_000_000L) {
          s.getOutputStream().write(httpRequest(address, port));
          s.getOutputStream().flush();
          Reply reply = read(s, in, deadline, true);
          inner = reply.length > 0 ? reply.classify(port) : null;
        }
      } catch (IOException e) {
        // the certificate is what we came for; the rest was a bonus
      }
      return new Attempt(
          new Banner(
              BannerClassifier.overTls(inner),
              inner == null ? null : inner.text(),
              inner == null ? null : inner.server(),
              subject,
              notAfter),
          false);
    }
  }

  private static String subject(X509Certificate cert) {
    return BannerClassifier.printable(cert.getSubjectX500Principal().getName());
  }

  private static byte[] httpRequest(InetAddress address, int port) {
    String host =
        address instanceof Inet6Address
            ? "[" + IpLiterals.text(address) + "]"
            : IpLiterals.text(address);
    return ("HEAD / HTTP/1.0\r\nHost: "
            + host
            + ":"
            + port
            + "\r\nUser-Agent: Portolan\r\nAccept: */*\r\n"
            + "Connection: close\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII);
  }

  private static Socket connect(InetAddress address, int port, long deadline) throws IOException {
    int ms = remainingMillis(deadline);
    if (ms <= 0) {
      return null;
    }
    Socket s = new Socket();
    try {
      s.setTcpNoDelay(true);
      s.connect(new InetSocketAddress(address, port), ms);
      return s;
    } catch (IOException e) {
      s.close();
      return null;
    }
  }

  private static int remainingMillis(long deadline) {
    long ns = deadline - System.nanoTime();
    return ns <= 0 ? 0 : (int) Math.max(1, Math.min(Integer.MAX_VALUE, ns / 1_000_000L));
  }

  /** What came back: at most {@link #MAX_BYTES}, and whether the peer closed. */
  private record Reply(byte[] bytes, int length, boolean eof) {
    boolean looksTls() {
      return BannerClassifier.looksTls(bytes, length);
    }

    boolean httpSaysUseTls() {
      return BannerClassifier.httpSaysUseTls(bytes, length);
    }

    /** What it says about the service on {@code port} ({@link BannerClassifier#classify}). */
    Banner classify(int port) {
      return BannerClassifier.classify(bytes, length, port);
    }
  }

  /**
   * Reads until {@code until}, the peer closing, {@link #MAX_BYTES}, or a complete answer: the end
   * of the HTTP headers when {@code http}, else a first line (or a MySQL packet). Once bytes came,
   * waits at most a little longer for the rest of the line.
   */
  private static Reply read(Socket s, InputStream in, long until, boolean http) throws IOException {
    byte[] buf = new byte[MAX_BYTES];
    int len = 0;
    boolean eof = false;
    while (len < buf.length) {
      int ms = remainingMillis(until);
      if (ms <= 0) {
        break;
      }
      s.setSoTimeout(ms);
      int n;
      try {
        n = in.read(buf, len, buf.length - len);
      } catch (SocketTimeoutException e) {
        break;
      }
      if (n < 0) {
        eof = true;
        break;
      }
      if (len == 0 && n > 0) {
        until = Math.min(until, System.nanoTime() + REST_OF_LINE_NANOS);
      }
      len += n;
      if (BannerClassifier.complete(buf, len, http)) {
        break;
      }
    }
    return new Reply(buf, len, eof);
  }

  /**
   * Accepts any server certificate and keeps the leaf. Only ever used to read what a service
   * presents: no decision anywhere in Portolan trusts a connection made with it.
   */
  private static final class ReadOnlyTrustManager extends X509ExtendedTrustManager {
    private final AtomicReference<X509Certificate> leaf;

    ReadOnlyTrustManager(AtomicReference<X509Certificate> leaf) {
      this.leaf = leaf;
    }

    private void keep(X509Certificate[] chain) {
      if (chain != null && chain.length > 0) {
        leaf.set(chain[0]);
      }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
      keep(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
      keep(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {
      keep(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
      throw new UnsupportedOperationException("client side only");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
      throw new UnsupportedOperationException("client side only");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {
      throw new UnsupportedOperationException("client side only");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
