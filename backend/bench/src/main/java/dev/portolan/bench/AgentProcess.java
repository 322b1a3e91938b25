package dev.portolan.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A Portolan agent ({@code java [flags] -jar portolan-bench.jar --http-port P --interval I
 * [--socket-reader R]}) running as a child process, with a keep-alive HTTP client to its API and
 * its CPU time and RSS read from {@code /proc/<pid>}.
 */
final class AgentProcess implements AutoCloseable {
  private static final Duration STARTUP_LIMIT = Duration.ofSeconds(60);
  private static final String NODE_NAME = "bench-agent";

  private final Process process;
  private final int httpPort;
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  private AgentProcess(Process process, int httpPort) {
    this.process = process;
    this.httpPort = httpPort;
  }

  /**
   * Starts an agent with the given JVM flags, interval and socket reader setting ({@code auto},
   * {@code netlink}, {@code proc}; null: the default, auto) and waits until it has taken a sample.
   */
  static AgentProcess start(Path jar, List<String> jvmFlags, String interval, String socketReader)
      throws IOException, InterruptedException {
    return start(jar, jvmFlags, interval, socketReader, List.of());
  }

  /** {@link #start(Path, List, String, String)} with more agent options ({@code agentArgs}). */
  static AgentProcess start(
      Path jar, List<String> jvmFlags, String interval, String socketReader, List<String> agentArgs)
      throws IOException, InterruptedException {
    int port = freeLoopbackPort();
    List<String> command = new ArrayList<>();
    command.add(ChildProcesses.javaLauncher());
    command.addAll(jvmFlags);
    command.addAll(
        List.of(
            "-jar",
            jar.toString(),
            "--http-port",
            Integer.toString(port),
            "--bind",
            "127.0.0.1",
            "--interval",
            interval,
            "--node-name",
            NODE_NAME));
    if (socketReader != null) {
      command.addAll(List.of("--socket-reader", socketReader));
    }
    command.addAll(agentArgs);
    Process p = ChildProcesses.start(command);
    drain(p.getInputStream());
    AgentProcess agent = new AgentProcess(p, port);
    try {
      agent.awaitFirstSample();
    } catch (IOException | InterruptedException | RuntimeException e) {
      agent.close();
      throw e;
    }
    return agent;
  }

  long pid() {
    return process.pid();
  }

  int httpPort() {
    return httpPort;
  }

  /** GET {@code pathAndQuery}; the body as text, or an IOException for a status other than 200. */
  String get(String pathAndQuery) throws IOException, InterruptedException {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + pathAndQuery))
                .timeout(Duration.ofSeconds(30))
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IOException("GET " + pathAndQuery + " -> " + r.statusCode() + ": " + r.body());
    }
    return r.body();
  }

  /**
   * The socket table reader the agent uses, as its {@code /api/v1/nodes} reports it: "netlink" or
   * "proc", followed by the agent's note in parentheses when that is not what was asked for (auto
   * falling back to /proc).
   */
  String reader() throws IOException, InterruptedException {
    JsonArray nodes = new JsonObject(get("/api/v1/nodes")).getJsonArray("nodes");
    for (int i = 0; i < nodes.size(); i++) {
      JsonObject n = nodes.getJsonObject(i);
      if (NODE_NAME.equals(n.getString("name"))) {
        String note = n.getString("readerNote");
        return n.getString("reader") + (note == null ? "" : " (" + note + ")");
      }
    }
    throw new IOException("/api/v1/nodes does not list " + NODE_NAME);
  }

  /**
   * Who owns tcp/{@code port}: the answer of {@code /api/v1/owners} (its owners grouped by process,
   * with counts; the sockets not listed).
   */
  JsonObject owners(int port) throws IOException, InterruptedException {
    return new JsonObject(get("/api/v1/owners?proto=tcp&port=" + port));
  }

  /** Who owns tcp/{@code port} with every socket listed: {@code /api/v1/owners?sockets=true}. */
  JsonObject ownersListed(int port) throws IOException, InterruptedException {
    return new JsonObject(get("/api/v1/owners?sockets=true&proto=tcp&port=" + port));
  }

  /**
   * Polls {@code /api/v1/owners} until tcp/{@code port} is shown as held by process {@code pid}.
   */
  void awaitOwner(int port, long pid) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + STARTUP_LIMIT.toNanos();
    while (System.nanoTime() < deadline) {
      JsonArray holders = owners(port).getJsonArray("owners");
      for (int i = 0; i < holders.size(); i++) {
        JsonObject owner = holders.getJsonObject(i).getJsonObject("owner");
        if ("process".equals(owner.getString("status")) && owner.getLong("pid", -1L) == pid) {
          return;
        }
      }
      Thread.sleep(100);
    }
    throw new IOException("agent never showed pid " + pid + " as the owner of tcp/" + port);
  }

  /** Every listening TCP socket, following {@code nextCursor}; returns how many there are. */
  int listeningTcpSockets() throws IOException, InterruptedException {
    int count = 0;
    String cursor = null;
    do {
      JsonObject page =
          new JsonObject(
              get(
                  "/api/v1/sockets?proto=tcp&listening=true&limit=10000"
                      + (cursor == null
                          ? ""
                          : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8))));
      count += page.getJsonArray("sockets").size();
      cursor = page.getString("nextCursor");
    } while (cursor != null);
    return count;
  }

  /** utime and stime of the agent so far. */
  ProcStat.CpuTicks cpuTicks() throws IOException {
    return ProcStat.cpuTicks(process.pid());
  }

  /** VmRSS of the agent now, in KiB. */
  long rssKib() throws IOException {
    return ProcStat.rssKib(process.pid());
  }

  private void awaitFirstSample() throws IOException, InterruptedException {
    long deadline = System.nanoTime() + STARTUP_LIMIT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException(
            "agent exited with " + process.exitValue() + " before its first sample");
      }
      try {
        if (new JsonObject(get("/health")).getLong("lastSampleAt", 0L) > 0) {
          return;
        }
      } catch (IOException notYetListening) {
        // keep polling
      }
      Thread.sleep(100);
    }
    throw new IOException("agent took no sample within " + STARTUP_LIMIT);
  }

  private static int freeLoopbackPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** Reads and discards the agent's stdout so its pipe never fills up. */
  private static void drain(InputStream out) {
    Thread.ofVirtual()
        .start(
            () -> {
              try {
                out.transferTo(OutputStream.nullOutputStream());
              } catch (IOException ignored) {
                // agent gone
              }
            });
  }

  @Override
  public void close() {
    http.close();
    ChildProcesses.stop(process);
  }
}
