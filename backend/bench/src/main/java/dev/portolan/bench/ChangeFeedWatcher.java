package dev.portolan.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * A client of an agent's change feed ({@code /api/v1/events}) on a thread of its own: every {@code
 * data:} line, with the time it arrived, goes to a queue that {@link #await} searches.
 */
final class ChangeFeedWatcher implements AutoCloseable {
  /** A data line of the feed and when it arrived (epoch ms). */
  record Received(String data, long receivedAtMillis) {}

  private final HttpClient http;
  private final BlockingQueue<Received> lines = new LinkedBlockingQueue<>();
  private final Thread reader;
  private final Stream<String> body;

  private ChangeFeedWatcher(HttpClient http, HttpResponse<Stream<String>> response) {
    this.http = http;
    this.body = response.body();
    this.reader = Thread.ofPlatform().daemon().name("bench-feed").start(this::read);
  }

  /** Connects to the feed of the agent on 127.0.0.1:{@code port}. */
  static ChangeFeedWatcher connect(int port) throws IOException, InterruptedException {
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    HttpResponse<Stream<String>> r =
        client.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/events"))
                .header("Accept", "text/event-stream")
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofLines());
    if (r.statusCode() != 200) {
      client.shutdownNow();
      throw new IOException("GET /api/v1/events -> " + r.statusCode());
    }
    return new ChangeFeedWatcher(client, r);
  }

  private void read() {
    try {
      body.forEach(
          line -> {
            if (line.startsWith("data: ")) {
              lines.add(new Received(line.substring(6), System.currentTimeMillis()));
            }
          });
    } catch (RuntimeException closed) {
      // the feed ended or was closed
    }
  }

  /** The first data line received from now on that {@code matches}, or null after {@code limit}. */
  Received await(Predicate<String> matches, Duration limit) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    for (long left = limit.toNanos(); left > 0; left = deadline - System.nanoTime()) {
      Received r = lines.poll(left, TimeUnit.NANOSECONDS);
      if (r != null && matches.test(r.data())) {
        return r;
      }
    }
    return null;
  }

  /** Forgets what arrived so far. */
  void clear() {
    lines.clear();
  }

  /**
   * Whether {@code data} is the {@code socket-opened} change of a listener on {@code port} in the
   * namespace named {@code netnsName}.
   */
  static boolean isListenerOpened(String data, String netnsName, int port) {
    return data.contains("\"change\":\"opened\"")
        && data.contains("\"listening\":true")
        && data.contains("\"localPort\":" + port + ",")
        && data.contains("\"netnsName\":\"" + netnsName + "\"");
  }

  @Override
  public void close() {
    body.close();
    http.shutdownNow(); // close() would wait for the endless feed
    try {
      reader.join(2_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
