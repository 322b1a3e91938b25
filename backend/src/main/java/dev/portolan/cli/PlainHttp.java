package dev.portolan.cli;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP/1.1 GET over a plain socket, for {@code http://} servers: the JDK's HttpClient sets up
 * TLS (its default SSLContext, the trust store) even for plain HTTP, which costs a short-lived
 * client about as much as everything else it does. {@code https://} goes through HttpClient.
 */
final class PlainHttp {
  private PlainHttp() {}

  record Response(int status, String body) {}

  static Response get(URI uri, Map<String, String> headers, int connectMillis, int readMillis)
      throws IOException {
    int port = uri.getPort() == -1 ? 80 : uri.getPort();
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(uri.getHost(), port), connectMillis);
      socket.setSoTimeout(readMillis);
      StringBuilder request =
          new StringBuilder("GET ")
              .append(uri.getRawPath())
              .append(uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery())
              .append(" HTTP/1.1\r\nHost: ")
              .append(uri.getHost().contains(":") ? "[" + uri.getHost() + "]" : uri.getHost())
              .append(uri.getPort() == -1 ? "" : ":" + port)
              .append("\r\nConnection: close\r\nUser-Agent: portolan-cli\r\n");
      for (Map.Entry<String, String> h : headers.entrySet()) {
        request.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n");
      }
      request.append("\r\n");
      OutputStream out = socket.getOutputStream();
      out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
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
      long length = -1;
      boolean chunked = false;
      for (String h = line(in); !h.isEmpty(); h = line(in)) {
        int colon = h.indexOf(':');
        if (colon < 0) {
          continue;
        }
        String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
        String value = h.substring(colon + 1).trim();
        if (name.equals("content-length")) {
          length = Long.parseLong(value);
        } else if (name.equals("transfer-encoding")
            && value.toLowerCase(Locale.ROOT).contains("chunked")) {
          chunked = true;
        }
      }
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      if (chunked) {
        for (long size = Long.parseLong(line(in).split(";")[0].trim(), 16);
            size > 0;
            size = Long.parseLong(line(in).split(";")[0].trim(), 16)) {
          copy(in, body, size);
          line(in);
        }
      } else if (length >= 0) {
        copy(in, body, length);
      } else {
        in.transferTo(body);
      }
      return new Response(status, body.toString(StandardCharsets.UTF_8));
    }
  }

  private static void copy(InputStream in, ByteArrayOutputStream out, long n) throws IOException {
    byte[] buffer = new byte[65536];
    long left = n;
    while (left > 0) {
      int read = in.read(buffer, 0, (int) Math.min(buffer.length, left));
      if (read < 0) {
        throw new IOException("the answer ended early");
      }
      out.write(buffer, 0, read);
      left -= read;
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
