package dev.portolan.web;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Raw TCP clients of a node from chosen loopback source addresses (127.0.0.0/8 is all loopback on
 * Linux, so each address is a client of its own to the node): half-sent requests held open (a
 * slowloris), and one-shot GETs with {@code Connection: close}, timed.
 */
final class Flood implements AutoCloseable {
  /** A request head cut short: the node waits for the rest. */
  static final byte[] HALF_HEAD = "GET / HTTP/1.1\r\nHo".getBytes(StandardCharsets.US_ASCII);

  private final int port;
  final List<Socket> sockets = new ArrayList<>();

  Flood(int port) {
    this.port = port;
  }

  /**
   * Opens {@code count} connections from {@code from}, each sending {@link #HALF_HEAD}; they stay
   * in {@link #sockets}.
   */
  void open(String from, int count) throws IOException {
    for (int i = 0; i < count; i++) {
      sockets.add(halfSent(from));
    }
  }

  /**
   * One connection from {@code from} that has sent {@link #HALF_HEAD} (the node may already have
   * closed it).
   */
  Socket halfSent(String from) throws IOException {
    Socket s = silent(from);
    try {
      s.getOutputStream().write(HALF_HEAD);
    } catch (IOException e) {
      // closed by the node at once: what an over-cap connection gets
    }
    return s;
  }

  /** One connection from {@code from} that sends nothing (over TLS: a handshake never started). */
  Socket silent(String from) throws IOException {
    Socket s = new Socket();
    s.bind(new InetSocketAddress(from, 0));
    s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
    return s;
  }

  /**
   * Whether the node closed {@code s} (end of stream or reset) within {@code millis}; any bytes it
   * sent are skipped.
   */
  static boolean closedByNode(Socket s, long millis) throws IOException {
    long end = System.nanoTime() + millis * 1_000_000;
    try {
      InputStream in = s.getInputStream();
      byte[] buffer = new byte[4096];
      while (true) {
        long left = (end - System.nanoTime()) / 1_000_000;
        if (left <= 0) {
          return false;
        }
        s.setSoTimeout((int) Math.max(1, left));
        if (in.read(buffer) < 0) {
          return true;
        }
      }
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true; // reset
    }
  }

  /**
   * Waits until the node has closed every socket of the flood; fails naming how many it still
   * holds.
   */
  void awaitAllClosed(Duration deadline) throws IOException {
    long end = System.nanoTime() + deadline.toNanos();
    int open = 0;
    for (Socket s : sockets) {
      if (!closedByNode(s, Math.max(1, (end - System.nanoTime()) / 1_000_000))) {
        open++;
      }
    }
    if (open > 0) {
      throw new AssertionError(
          "the node still holds "
              + open
              + " of "
              + sockets.size()
              + " half-sent requests after "
              + deadline);
    }
  }

  /**
   * An answer to {@link #get}: status, body, and how long it took from connecting to the end of the
   * body.
   */
  record Answer(int status, String body, long millis) {}

  /** {@code GET path} from {@code from} on a new connection ({@code Connection: close}). */
  Answer get(String from, String path) throws IOException {
    long start = System.nanoTime();
    try (Socket s = new Socket()) {
      s.bind(new InetSocketAddress(from, 0));
      s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      s.setSoTimeout(20_000);
      s.getOutputStream()
          .write(
              ("GET "
                      + path
                      + " HTTP/1.1\r\nHost: 127.0.0.1:"
                      + port
                      + "\r\nConnection: close\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      s.getInputStream().transferTo(out);
      String text = out.toString(StandardCharsets.UTF_8);
      long millis = (System.nanoTime() - start) / 1_000_000;
      if (!text.startsWith("HTTP/1.1 ")) {
        throw new IOException(
            "no HTTP answer to GET " + path + " from " + from + ": '" + text + "'");
      }
      int status = Integer.parseInt(text.substring(9, 12));
      int bodyAt = text.indexOf("\r\n\r\n");
      return new Answer(status, bodyAt < 0 ? "" : text.substring(bodyAt + 4), millis);
    }
  }

  /**
   * The value of the Prometheus sample whose line starts with {@code nameAndLabels} and a space or
   * '{', or NaN.
   */
  static double metric(String metrics, String nameAndLabels) {
    for (String line : metrics.split("\n")) {
      if (line.startsWith(nameAndLabels)
          && line.length() > nameAndLabels.length()
          && " {,}".indexOf(line.charAt(nameAndLabels.length())) >= 0) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return Double.NaN;
  }

  /** File descriptors process {@code pid} has open now. */
  static int openFds(long pid) throws IOException {
    try (var list = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
      return (int) list.count();
    }
  }

  @Override
  public void close() {
    for (Socket s : sockets) {
      try {
        s.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
    sockets.clear();
  }
}
