package dev.portolan.cli;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP/1.1 request over a plain socket, for {@code http://} servers: the JDK's HttpClient sets
 * up TLS (its default SSLContext, the trust store) even for plain HTTP, which costs a short-lived
 * client about as much as everything else it does. {@code https://} goes through HttpClient.
 */
final class PlainHttp {
  private PlainHttp() {}

  record Response(int status, String body) {}

  static Response get(URI uri, Map<String, String> headers, int connectMillis, int readMillis)
      throws IOException {
    return send("GET", uri, headers, null, connectMillis, readMillis);
  }

  /** One request with {@code body} (null for none, else sent as is with its length). */
  static Response send(
      String method,
      URI uri,
      Map<String, String> headers,
      String body,
      int connectMillis,
      int readMillis)
      throws IOException {
    try (Stream stream = open(method, uri, headers, body, connectMillis, readMillis)) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      stream.body().transferTo(out);
      return new Response(stream.status(), out.toString(StandardCharsets.UTF_8));
    }
  }

  /**
   * An answer being read: its status, its headers (names in lower case) and its body as it comes
   * (de-chunked), for event streams; closing it closes the connection.
   */
  record Stream(
      int status, Map<String, String> headers, InputStream body, java.io.Closeable connection)
      implements AutoCloseable {
    @Override
    public void close() throws IOException {
      connection.close();
    }
  }

  /** Sends one request and reads the status line and headers; the body is left to the caller. */
  static Stream open(
      String method,
      URI uri,
      Map<String, String> headers,
      String body,
      int connectMillis,
      int readMillis)
      throws IOException {
    int port = uri.getPort() == -1 ? 80 : uri.getPort();
    // no proxy: a plain socket, without the SOCKS wrapper's ProxySelector (which reads
    // conf/net.properties); the client speaks to the node directly
    Socket socket = new Socket(Proxy.NO_PROXY);
    try {
      socket.connect(new InetSocketAddress(uri.getHost(), port), connectMillis);
      socket.setSoTimeout(readMillis);
      byte[] content = body == null ? null : body.getBytes(StandardCharsets.UTF_8);
      // appends only, no string concatenation: each concatenation site is linked at run time
      // (invokedynamic), which a short-lived client pays for
      StringBuilder request = new StringBuilder(method).append(' ').append(uri.getRawPath());
      if (uri.getRawQuery() != null) {
        request.append('?').append(uri.getRawQuery());
      }
      request.append(" HTTP/1.1\r\nHost: ");
      if (uri.getHost().contains(":")) {
        request.append('[').append(uri.getHost()).append(']');
      } else {
        request.append(uri.getHost());
      }
      if (uri.getPort() != -1) {
        request.append(':').append(port);
      }
      request.append("\r\nConnection: close\r\nUser-Agent: portolan-cli\r\n");
      for (Map.Entry<String, String> h : headers.entrySet()) {
        request.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n");
      }
      if (content != null) {
        request.append("Content-Length: ").append(content.length).append("\r\n");
      }
      request.append("\r\n");
      OutputStream out = socket.getOutputStream();
      out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
      if (content != null) {
        out.write(content);
      }
      out.flush();
      InputStream in = new BufferedInputStream(socket.getInputStream(), 65536);
      String statusLine = line(in);
      String[] parts = statusLine.split(" ", 3);
      if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
        throw new IOException("not an HTTP answer: " + statusLine);
      }
      int status;
      try {
        status = Integer.parseInt(parts[1]);
      } catch (NumberFormatException e) {
        throw new IOException("not an HTTP answer: " + statusLine);
      }
      Map<String, String> answered = new java.util.LinkedHashMap<>();
      for (String h = line(in); !h.isEmpty(); h = line(in)) {
        int colon = h.indexOf(':');
        if (colon > 0) {
          answered.put(
              h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
        }
      }
      InputStream content0;
      String encoding = answered.getOrDefault("transfer-encoding", "");
      if (encoding.toLowerCase(Locale.ROOT).contains("chunked")) {
        content0 = new Chunked(in);
      } else if (answered.containsKey("content-length")) {
        content0 = new Limited(in, Long.parseLong(answered.get("content-length")));
      } else {
        content0 = in;
      }
      return new Stream(status, answered, content0, socket);
    } catch (IOException | RuntimeException e) {
      socket.close();
      throw e;
    }
  }

  /** A body of a known length. */
  private static final class Limited extends InputStream {
    private final InputStream in;
    private long left;

    Limited(InputStream in, long length) {
      this.in = in;
      this.left = length;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (left <= 0) {
        return -1;
      }
      int n = in.read(b, off, (int) Math.min(len, left));
      if (n < 0) {
        throw new IOException("the answer ended early");
      }
      left -= n;
      return n;
    }
  }

  /** A chunked body, de-chunked as it is read. */
  private static final class Chunked extends InputStream {
    private final InputStream in;
    private long left;
    private boolean ended;

    Chunked(InputStream in) {
      this.in = in;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (ended) {
        return -1;
      }
      if (left == 0) {
        String size = line(in).split(";")[0].trim();
        if (size.isEmpty()) {
          size = line(in).split(";")[0].trim(); // the CRLF after the previous chunk
        }
        try {
          left = Long.parseLong(size, 16);
        } catch (NumberFormatException e) {
          throw new IOException("bad chunk size: " + size);
        }
        if (left == 0) {
          ended = true;
          return -1;
        }
      }
      int n = in.read(b, off, (int) Math.min(len, left));
      if (n < 0) {
        throw new IOException("the answer ended early");
      }
      left -= n;
      return n;
    }
  }

  private static String line(InputStream in) throws IOException {
    StringBuilder b = new StringBuilder();
    for (int c = in.read(); c != '\n'; c = in.read()) {
      if (c < 0) {
        throw new IOException("the answer ended early");
      }
      if (c != '\r') {
        b.append((char) c);
      }
    }
    return b.toString();
  }
}
