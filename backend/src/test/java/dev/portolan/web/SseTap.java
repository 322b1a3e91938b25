package dev.portolan.web;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

/**
 * A client of a node's change feed over real HTTP (the JDK's client), sending {@code Last-Event-ID}
 * when given one, and keeping every event it reads (id, event, data), in order, as an {@code
 * EventSource} would dispatch them.
 */
public final class SseTap implements AutoCloseable {
  /**
   * One dispatched event: its {@code id:} (null when it had none), {@code event:} and {@code
   * data:}.
   */
  public record Event(String id, String event, String data) {}

  private final HttpClient http;
  private final Stream<String> lines;
  private final List<Event> events = new CopyOnWriteArrayList<>();
  private volatile boolean ended;

  private SseTap(HttpClient http, Stream<String> lines) {
    this.http = http;
    this.lines = lines;
    Thread.ofVirtual().name("sse-tap").start(this::read);
  }

  /** Connects; throws when nothing serves on {@code port} (yet). */
  public static SseTap open(int port, String pathAndQuery, String lastEventId) throws Exception {
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
            .header("Accept", "text/event-stream");
    if (lastEventId != null) {
      b.header("Last-Event-ID", lastEventId);
    }
    try {
      HttpResponse<Stream<String>> r = http.send(b.build(), HttpResponse.BodyHandlers.ofLines());
      if (r.statusCode() != 200) {
        throw new AssertionError("GET " + pathAndQuery + " -> " + r.statusCode());
      }
      return new SseTap(http, r.body());
    } catch (Exception e) {
      http.close();
      throw e;
    }
  }

  /** Connects as soon as something serves on {@code port}, within {@code deadline}. */
  public static SseTap openWhenServing(
      int port, String pathAndQuery, String lastEventId, Duration deadline)
      throws InterruptedException {
    return Await.until(
        "the feed on port " + port,
        deadline,
        () -> {
          try {
            return open(port, pathAndQuery, lastEventId);
          } catch (AssertionError e) {
            throw e;
          } catch (Exception notYet) {
            return null;
          }
        });
  }

  private void read() {
    String id = null;
    String event = null;
    StringBuilder data = null;
    try {
      for (var it = lines.iterator(); it.hasNext(); ) {
        String line = it.next();
        if (line.isEmpty()) {
          if (data != null) {
            events.add(new Event(id, event == null ? "message" : event, data.toString()));
          }
          event = null;
          data = null;
          id = null;
        } else if (line.startsWith("id: ")) {
          id = line.substring(4);
        } else if (line.startsWith("event: ")) {
          event = line.substring(7);
        } else if (line.startsWith("data: ")) {
          data =
              data == null
                  ? new StringBuilder(line.substring(6))
                  : data.append('\n').append(line.substring(6));
        }
      }
    } catch (RuntimeException closed) {
      // the connection went away (the hub stopped, or close())
    } finally {
      ended = true;
    }
  }

  public List<Event> events() {
    return new ArrayList<>(events);
  }

  /** Events other than {@code reset} and {@code node}: the changes. */
  public List<Event> changes() {
    return events.stream()
        .filter(e -> !e.event().equals("reset") && !e.event().equals("node"))
        .toList();
  }

  /** The id of the last event with one, or null. */
  public String lastId() {
    List<Event> all = events();
    for (int i = all.size() - 1; i >= 0; i--) {
      if (all.get(i).id() != null) {
        return all.get(i).id();
      }
    }
    return null;
  }

  /** True once the server ended the stream (or the connection broke). */
  public boolean ended() {
    return ended;
  }

  @Override
  public void close() {
    lines.close();
    http.shutdownNow();
  }
}
