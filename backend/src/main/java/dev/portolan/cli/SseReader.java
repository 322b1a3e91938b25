package dev.portolan.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * Reads Server-Sent Events from a stream, one event at a time: its {@code id} (the last one seen
 * stays, as the SSE rules say), {@code event} type (default {@code message}) and {@code data} lines
 * joined by newlines. Comment lines are skipped.
 */
final class SseReader {
  /** One event; {@code id} is the stream's last event id when it came (null before any). */
  record Event(String id, String type, String data) {}

  private final BufferedReader in;
  private String lastId;

  SseReader(InputStream in) {
    this.in = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
  }

  /** The next event, or null when the stream ended. */
  Event next() throws IOException {
    String type = null;
    StringBuilder data = null;
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      if (line.isEmpty()) {
        if (data != null) {
          return new Event(lastId, type == null ? "message" : type, data.toString());
        }
        type = null;
        continue;
      }
      if (line.startsWith(":")) {
        continue;
      }
      int colon = line.indexOf(':');
      String field = colon < 0 ? line : line.substring(0, colon);
      String value = colon < 0 ? "" : line.substring(colon + 1);
      if (value.startsWith(" ")) {
        value = value.substring(1);
      }
      switch (field) {
        case "event" -> type = value;
        case "data" -> {
          if (data == null) {
            data = new StringBuilder(value);
          } else {
            data.append('\n').append(value);
          }
        }
        case "id" -> lastId = value;
        default -> {}
      }
    }
    return null;
  }

  /** The last event id the stream gave, or null. */
  String lastId() {
    return lastId;
  }
}
