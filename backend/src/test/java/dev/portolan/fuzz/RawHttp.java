package dev.portolan.fuzz;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, one request per connection: sends exactly the bytes given (so
 * malformed request lines, bad percent-encoding, over-long lines and garbage headers reach the
 * server as they are, which the JDK's client refuses to send) and reads the answer. A {@code
 * text/event-stream} answer is read up to its head only.
 */
public final class RawHttp {
  private static final int MAX_BODY = 4 * 1024 * 1024;

  private final int port;

  public RawHttp(int port) {
    this.port = port;
  }

  /** The answer: status, lower-case header names, and the body as text. */
  public record Answer(int status, Map<String, String> headers, String body) {
    public String contentType() {
      return headers.getOrDefault("content-type", "");
    }
  }

  /**
   * Sends {@code method target} with {@code headers} (name, value, ...) and {@code body} (null:
   * none).
   */
  public Answer send(String method, String target, String body, String... headers)
      throws IOException {
    StringBuilder head =
        new StringBuilder()
            .append(method)
            .append(' ')
            .append(target)
            .append(" HTTP/1.1\r\n")
            .append("Host: 127.0.0.1:")
            .append(port)
            .append("\r\nConnection: close\r\n");
    for (int i = 0; i + 1 < headers.length; i += 2) {
      head.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
    }
    byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
    if (body != null) {
      head.append("Content-Length: ").append(bytes.length).append("\r\n");
    }
    head.append("\r\n");
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    all.writeBytes(head.toString().getBytes(StandardCharsets.UTF_8));
    all.writeBytes(bytes);
    return exchange(all.toByteArray());
  }

  /** Sends {@code request} as it is and reads the answer. */
  public Answer exchange(byte[] request) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      s.setSoTimeout(30_000);
      OutputStream out = s.getOutputStream();
      try {
        out.write(request);
        out.flush();
      } catch (IOException e) {
        // the server may answer and close before reading all of an over-long request: read what it
        // said
      }
      InputStream in = s.getInputStream();
      String statusLine = line(in);
      if (statusLine == null) {
        throw new IOException("the connection closed without an answer");
      }
      String[] parts = statusLine.split(" ", 3);
      int status = Integer.parseInt(parts[1]);
      Map<String, String> headers = new LinkedHashMap<>();
      String h;
      while ((h = line(in)) != null && !h.isEmpty()) {
        int colon = h.indexOf(':');
        if (colon > 0) {
          headers.put(
              h.substring(0, colon).strip().toLowerCase(Locale.ROOT),
              h.substring(colon + 1).strip());
        }
      }
      if (headers.getOrDefault("content-type", "").startsWith("text/event-stream")) {
        return new Answer(status, headers, "");
      }
      byte[] body;
      if (headers.containsKey("content-length")) {
        body = in.readNBytes(Math.min(MAX_BODY, Integer.parseInt(headers.get("content-length"))));
      } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
        body = chunks(in);
      } else {
        body = in.readNBytes(MAX_BODY);
      }
      return new Answer(status, headers, new String(body, StandardCharsets.UTF_8));
    }
  }

  private static byte[] chunks(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    String sizeLine;
    while ((sizeLine = line(in)) != null) {
      int semi = sizeLine.indexOf(';');
      int size = Integer.parseInt((semi < 0 ? sizeLine : sizeLine.substring(0, semi)).strip(), 16);
      if (size == 0) {
        break;
      }
      out.writeBytes(in.readNBytes(size));
      line(in);
      if (out.size() > MAX_BODY) {
        break;
      }
    }
    return out.toByteArray();
  }

  /** One line without its CRLF, or null at the end of the stream. */
  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) != -1) {
      if (c == '\n') {
        break;
      }
      if (c != '\r') {
        b.write(c);
      }
    }
    if (c == -1 && b.size() == 0) {
      return null;
    }
    return b.toString(StandardCharsets.ISO_8859_1);
  }
}
