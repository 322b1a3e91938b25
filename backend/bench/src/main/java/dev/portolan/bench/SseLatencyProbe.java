package dev.portolan.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An SSE client of a hub's {@code /api/v1/events} on a plain socket (HTTP/1.1, chunked), on a
 * thread of its own: for every change event it takes the {@code "timestamp"} of its data (when the
 * node published the change, in the node's clock: the same machine here) and records receive time
 * minus it, in whole milliseconds, once {@link #startRecording} was called. Reads and parses only
 * what it needs; the bytes are ASCII JSON.
 */
final class SseLatencyProbe implements AutoCloseable {
  /** Latencies from 0 to this many ms are counted exactly; longer ones in the last bucket. */
  private static final int MAX_MILLIS = 600_000;

  private final Socket socket;
  private final Thread reader;
  private final long[] histogram = new long[MAX_MILLIS + 1];
  private final AtomicLong events = new AtomicLong();
  private final Set<String> nodes = new HashSet<>();
  private volatile boolean recording;
  private volatile long recorded;
  private volatile long maxMillis;
  private volatile long negative;
  private volatile String failure;
  private volatile boolean reset;

  private SseLatencyProbe(Socket socket) {
    this.socket = socket;
    this.reader = Thread.ofPlatform().daemon().name("sse-probe").start(this::read);
  }

  /** Connects to {@code 127.0.0.1:port} and asks for the whole feed. */
  static SseLatencyProbe connect(int port) throws IOException {
    return connect(port, "");
  }

  /**
   * Connects to {@code 127.0.0.1:port} and asks for the feed with {@code query} ({@code ""}, or
   * {@code "?node=NAME"} and the like: URL-safe text).
   */
  static SseLatencyProbe connect(int port, String query) throws IOException {
    Socket s = new Socket();
    s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
    s.setTcpNoDelay(true);
    s.setReceiveBufferSize(4 << 20);
    OutputStream out = s.getOutputStream();
    out.write(
        ("GET /api/v1/events"
                + query
                + " HTTP/1.1\r\nHost: 127.0.0.1:"
                + port
                + "\r\nAccept: text/event-stream\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    out.flush();
    return new SseLatencyProbe(s);
  }

  void startRecording() {
    synchronized (histogram) {
      recording = true;
    }
  }

  /** Stops recording; returns the latencies recorded, as a histogram in ms. */
  Latencies stopRecording() {
    synchronized (histogram) {
      recording = false;
      return new Latencies(histogram.clone(), recorded, maxMillis, negative);
    }
  }

  /** Change events received since connecting (recorded or not). */
  long events() {
    return events.get();
  }

  /** Distinct nodes whose changes were received while recording. */
  int nodesSeen() {
    synchronized (histogram) {
      return nodes.size();
    }
  }

  /** Why reading stopped (the hub closed the feed, or sent a reset), or null while it reads. */
  String failure() {
    return failure;
  }

  boolean wasReset() {
    return reset;
  }

  private void read() {
    try (InputStream raw = socket.getInputStream()) {
      BufferedInputStream in = new BufferedInputStream(raw, 1 << 16);
      String status = line(in);
      if (status == null || !status.contains(" 200")) {
        failure = "feed answered " + status;
        return;
      }
      boolean chunked = false;
      for (String h = line(in); h != null && !h.isEmpty(); h = line(in)) {
        chunked |=
            h.toLowerCase(java.util.Locale.ROOT).startsWith("transfer-encoding:")
                && h.contains("chunked");
      }
      if (!chunked) {
        failure = "feed not chunked";
        return;
      }
      LineSplitter lines = new LineSplitter();
      byte[] buf = new byte[1 << 16];
      while (true) {
        String size = line(in);
        if (size == null) {
          failure = "feed closed by the hub";
          return;
        }
        int semi = size.indexOf(';');
        int n = Integer.parseInt((semi < 0 ? size : size.substring(0, semi)).trim(), 16);
        if (n == 0) {
          failure = "feed ended by the hub";
          return;
        }
        int left = n;
        while (left > 0) {
          int got = in.read(buf, 0, Math.min(buf.length, left));
          if (got < 0) {
            failure = "feed closed mid-chunk";
            return;
          }
          long now = System.currentTimeMillis();
          lines.feed(buf, got, now);
          left -= got;
        }
        line(in); // the CRLF after the chunk
      }
    } catch (IOException | RuntimeException e) {
      if (failure == null) {
        failure = socket.isClosed() ? "closed" : e.toString();
      }
    }
  }

  /** Splits the body into lines and handles each: event names, and the data of change events. */
  private final class LineSplitter {
    private final StringBuilder current = new StringBuilder(2048);
    private boolean changeEvent;

    void feed(byte[] buf, int len, long receivedAtMillis) {
      for (int i = 0; i < len; i++) {
        byte b = buf[i];
        if (b == '\n') {
          handle(current, receivedAtMillis);
          current.setLength(0);
        } else {
          current.append((char) b);
        }
      }
    }

    private void handle(CharSequence line, long receivedAtMillis) {
      if (line.isEmpty()) {
        changeEvent = false;
        return;
      }
      String text = line.toString();
      if (text.startsWith("event: ")) {
        String event = text.substring(7);
        changeEvent = event.startsWith("socket-") || event.equals("owner-changed");
        if (event.equals("reset")) {
          reset = true;
        }
        return;
      }
      if (!changeEvent || !text.startsWith("data: ")) {
        return;
      }
      events.incrementAndGet();
      if (!recording) {
        return;
      }
      long timestamp = number(text, "\"timestamp\":");
      long latency = receivedAtMillis - timestamp;
      synchronized (histogram) {
        if (!recording) {
          return;
        }
        if (latency < 0) {
          negative++;
          latency = 0;
        }
        histogram[(int) Math.min(latency, MAX_MILLIS)]++;
        recorded++;
        maxMillis = Math.max(maxMillis, latency);
        int n = text.indexOf("\"node\":\"");
        if (n >= 0) {
          nodes.add(text.substring(n + 8, text.indexOf('"', n + 8)));
        }
      }
    }
  }

  private static long number(String text, String key) {
    int at = text.indexOf(key);
    if (at < 0) {
      throw new IllegalStateException("change event without " + key + ": " + text);
    }
    long v = 0;
    for (int i = at + key.length(); i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        break;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }

  /** One line of ASCII up to CRLF or LF, without it; null at the end of the stream. */
  private static String line(InputStream in) throws IOException {
    StringBuilder sb = new StringBuilder();
    int c;
    while ((c = in.read()) >= 0) {
      if (c == '\n') {
        int len = sb.length();
        return len > 0 && sb.charAt(len - 1) == '\r' ? sb.substring(0, len - 1) : sb.toString();
      }
      sb.append((char) c);
    }
    return sb.isEmpty() ? null : sb.toString();
  }

  /**
   * A histogram of latencies in ms, with the count, the maximum, and how many were negative (clock
   * skew).
   */
  record Latencies(long[] histogram, long count, long maxMillis, long negative) {
    /** The smallest latency at or below which {@code q} of them are (nearest rank), in ms. */
    long quantile(double q) {
      if (count == 0) {
        return -1;
      }
      long rank = Math.max(1, (long) Math.ceil(q * count));
      long seen = 0;
      for (int ms = 0; ms < histogram.length; ms++) {
        seen += histogram[ms];
        if (seen >= rank) {
          return ms;
        }
      }
      return histogram.length - 1;
    }

    double mean() {
      double sum = 0;
      for (int ms = 0; ms < histogram.length; ms++) {
        sum += (double) ms * histogram[ms];
      }
      return count == 0 ? -1 : sum / count;
    }
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing
    }
    try {
      reader.join(2_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
