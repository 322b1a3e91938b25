package dev.portolan.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A clustered Portolan child process of the fleet benchmarks (a hub, an agent or a simulator), on
 * 127.0.0.1 with ports of its own: started with JVM flags and options, ready when it prints its
 * {@code portolan: } line (it has joined the cluster and deployed). Its last output lines are kept
 * for error messages; its CPU time and RSS come from {@code /proc/<pid>}, its heap from {@code
 * jcmd}.
 */
final class PortolanProcess implements AutoCloseable {
  private static final int KEPT_LINES = 40;

  final String name;
  final int clusterPort;
  final int busPort;
  final int httpPort;
  private final Process process;
  private final long launchedNanos;
  private final ArrayDeque<String> lastLines = new ArrayDeque<>();
  private final Path log;
  private final CompletableFuture<Long> ready = new CompletableFuture<>();
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  private PortolanProcess(
      String name, Process process, long launchedNanos, int clusterPort, int busPort, int httpPort)
      throws IOException {
    this.log = java.nio.file.Files.createTempFile(logDirectory(), name + "-", ".log");
    this.name = name;
    this.process = process;
    this.launchedNanos = launchedNanos;
    this.clusterPort = clusterPort;
    this.busPort = busPort;
    this.httpPort = httpPort;
    Thread.ofVirtual().name("out-" + name).start(this::readOutput);
  }

  /**
   * Starts {@code java FLAGS -jar JAR --cluster-name C --cluster-host 127.0.0.1 --cluster-port P
   * --bus-port B --http-port H --bind 127.0.0.1 OPTIONS} (and {@code --join} when {@code join} is
   * not null).
   */
  static PortolanProcess start(
      Path jar,
      String name,
      List<String> jvmFlags,
      String clusterName,
      Integer join,
      List<String> options)
      throws IOException {
    return start(
        jar, name, jvmFlags, clusterName, join, options, freePort(), freePort(), freePort());
  }

  /** As {@link #start(Path, String, List, String, Integer, List)} on the given ports. */
  static PortolanProcess start(
      Path jar,
      String name,
      List<String> jvmFlags,
      String clusterName,
      Integer join,
      List<String> options,
      int clusterPort,
      int busPort,
      int httpPort)
      throws IOException {
    return start(
        List.of(),
        "127.0.0.1",
        jar,
        name,
        jvmFlags,
        clusterName,
        join,
        options,
        clusterPort,
        busPort,
        httpPort);
  }

  /**
   * As {@link #start(Path, String, List, String, Integer, List)}, the command after {@code prefix}
   * (e.g. {@code ip netns exec NS}, which execs it: same pid) and on {@code clusterHost}.
   */
  static PortolanProcess start(
      List<String> prefix,
      String clusterHost,
      Path jar,
      String name,
      List<String> jvmFlags,
      String clusterName,
      Integer join,
      List<String> options,
      int clusterPort,
      int busPort,
      int httpPort)
      throws IOException {
    List<String> command = new ArrayList<>(prefix);
    command.add(ChildProcesses.javaLauncher());
    command.addAll(jvmFlags);
    command.addAll(
        List.of(
            "-jar",
            jar.toString(),
            "--cluster-name",
            clusterName,
            "--cluster-host",
            clusterHost,
            "--cluster-port",
            Integer.toString(clusterPort),
            "--bus-port",
            Integer.toString(busPort),
            "--http-port",
            Integer.toString(httpPort),
            "--bind",
            "127.0.0.1"));
    if (join != null) {
      command.addAll(List.of("--join", clusterHost + ":" + join));
    }
    command.addAll(options);
    long launched = System.nanoTime();
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    if (jvmFlags.containsAll(BenchCommand.DEPLOYED_AGENT_FLAGS)) {
      // the deployed agent's environment too (k8s/agent-daemonset.yaml)
      pb.environment().putAll(BenchCommand.DEPLOYED_AGENT_ENVIRONMENT);
    }
    Process p = pb.start();
    ChildProcesses.track(p);
    return new PortolanProcess(name, p, launched, clusterPort, busPort, httpPort);
  }

  /** Waits for the {@code portolan: } line; returns the seconds from launch to it. */
  double awaitReady(Duration limit) throws IOException {
    try {
      long at = ready.get(limit.toMillis(), TimeUnit.MILLISECONDS);
      return (at - launchedNanos) / 1e9;
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IOException(
          name + " not ready within " + limit + "; last output:\n" + lastOutput());
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IOException(
          name + " " + e.getCause().getMessage() + "; last output:\n" + lastOutput());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted");
    }
  }

  long launchedNanos() {
    return launchedNanos;
  }

  long pid() {
    return process.pid();
  }

  boolean alive() {
    return process.isAlive();
  }

  private static Path logDirectory;

  /**
   * One directory per benchmark run for the children's output (and the hub's GC log), kept after
   * the run.
   */
  static synchronized Path logDirectory() throws IOException {
    if (logDirectory == null) {
      logDirectory = java.nio.file.Files.createTempDirectory("portolan-bench-logs-");
    }
    return logDirectory;
  }

  /** Everything it printed (stdout and stderr), kept while the benchmark runs. */
  Path log() {
    return log;
  }

  private void readOutput() {
    try (BufferedReader r =
            new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        java.io.Writer w = java.nio.file.Files.newBufferedWriter(log)) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        w.write(line);
        w.write('\n');
        if (line.startsWith("portolan: ") && !ready.isDone()) {
          ready.complete(System.nanoTime());
        }
        synchronized (lastLines) {
          lastLines.addLast(line);
          if (lastLines.size() > KEPT_LINES) {
            lastLines.removeFirst();
          }
        }
      }
    } catch (IOException ignored) {
      // gone
    }
    ready.completeExceptionally(new IOException("exited"));
  }

  String lastOutput() {
    synchronized (lastLines) {
      return String.join("\n", lastLines);
    }
  }

  /** GET on its HTTP port: the body, or an IOException for another status than 200. */
  String get(String pathAndQuery) throws IOException, InterruptedException {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + pathAndQuery))
                .timeout(Duration.ofSeconds(60))
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IOException("GET " + pathAndQuery + " -> " + r.statusCode() + ": " + r.body());
    }
    return r.body();
  }

  /** A hub's {@code /api/v1/nodes}, by name. */
  Map<String, JsonObject> nodes() throws IOException, InterruptedException {
    JsonArray nodes = new JsonObject(get("/api/v1/nodes")).getJsonArray("nodes");
    Map<String, JsonObject> byName = new HashMap<>();
    for (int i = 0; i < nodes.size(); i++) {
      byName.put(nodes.getJsonObject(i).getString("name"), nodes.getJsonObject(i));
    }
    return byName;
  }

  /**
   * Up, not resyncing, with at least {@code minSockets} sockets: the hub holds the node's table.
   */
  static boolean held(JsonObject node, int minSockets) {
    return node != null
        && "up".equals(node.getString("status"))
        && !node.getBoolean("resyncing", true)
        && node.getJsonObject("sockets").getInteger("total", 0) >= minSockets;
  }

  ProcStat.CpuTicks cpuTicks() throws IOException {
    return ProcStat.cpuTicks(process.pid());
  }

  long rssKib() throws IOException {
    return ProcStat.rssKib(process.pid());
  }

  /**
   * A heap's or generation's line of {@code GC.heap_info}, JDK 25: G1 {@code garbage-first heap
   * total reserved ..., committed ..., used 123456K}, Serial {@code DefNew} and {@code Tenured},
   * Parallel {@code PSYoungGen} and {@code ParOldGen}, ZGC {@code ZHeap used 345M}, at the start of
   * the line (JDK 17 indents them by one space); the spaces inside a generation are indented
   * further, and {@code Metaspace} and {@code class space} are not heap.
   */
  private static final Pattern USED =
      Pattern.compile("(?m)^ ?(?!Metaspace|class space)\\S.*?\\bused (\\d+)([KMG])");

  /**
   * Heap in use, KiB, from {@code jcmd PID GC.heap_info} (the JVM's own figure, no safepoint for a
   * GC); after a full GC ({@code jcmd PID GC.run}) when {@code afterFullGc}: the live set.
   */
  long heapUsedKib(boolean afterFullGc) throws IOException, InterruptedException {
    if (afterFullGc) {
      jcmd("GC.run");
    }
    String info = jcmd("GC.heap_info");
    long used = heapUsedKib(info);
    if (used < 0) {
      throw new IOException("no heap figure from jcmd " + process.pid() + ": " + info);
    }
    return used;
  }

  /**
   * The heap in use, KiB, from {@code GC.heap_info}'s text: the sum of its generations (young and
   * old for Serial and Parallel); -1 when it names none.
   */
  static long heapUsedKib(String heapInfo) {
    Matcher m = USED.matcher(heapInfo);
    long sum = -1;
    while (m.find()) {
      long value = Long.parseLong(m.group(1));
      sum =
          Math.max(sum, 0)
              + switch (m.group(2)) {
                case "G" -> value * 1024 * 1024;
                case "M" -> value * 1024;
                default -> value;
              };
    }
    return sum;
  }

  /** Runs {@code jcmd PID COMMAND ARGS}; its output. */
  String jcmd(String command, String... args) throws IOException, InterruptedException {
    Path jcmd = Path.of(ChildProcesses.javaLauncher()).resolveSibling("jcmd");
    List<String> cmd =
        new ArrayList<>(List.of(jcmd.toString(), Long.toString(process.pid()), command));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("jcmd " + command + " failed: " + out);
    }
    return out;
  }

  /**
   * Ports handed to children come from below Linux's ephemeral range (32768-60999): a port the
   * kernel picked for us (bind to 0) could be picked again for one of the many outgoing connections
   * a large cluster opens before the child binds it ("Address already in use"). Each is checked
   * free and never handed out twice.
   */
  private static final int FIRST_PORT = 20_000;

  private static final int LAST_PORT = 32_000;
  private static int nextPort = FIRST_PORT + (int) (ProcessHandle.current().pid() % 2000);

  static synchronized int freePort() throws IOException {
    for (int tries = 0; tries < LAST_PORT - FIRST_PORT; tries++) {
      int port = nextPort++;
      if (nextPort >= LAST_PORT) {
        nextPort = FIRST_PORT;
      }
      try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
        return s.getLocalPort();
      } catch (IOException inUse) {
        // try the next one
      }
    }
    throw new IOException("no free port in " + FIRST_PORT + "-" + LAST_PORT);
  }

  /** Stops it: SIGTERM (a clean leave from the cluster), then SIGKILL after 10 s. */
  @Override
  public void close() {
    stop();
  }

  /**
   * As {@link #close}; true when it exited on the SIGTERM, false when it had to be killed (or the
   * wait was interrupted).
   */
  boolean stop() {
    http.close();
    process.destroy();
    boolean clean = false;
    try {
      clean = process.waitFor(10, TimeUnit.SECONDS);
      if (!clean) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    ChildProcesses.untrack(process);
    return clean;
  }

  /** Sends it {@code SIGSTOP} (true) or {@code SIGCONT} (false): a hung process, and its return. */
  void pause(boolean stop) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder("kill", stop ? "-STOP" : "-CONT", Long.toString(process.pid()))
            .redirectErrorStream(true)
            .start();
    if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("kill " + (stop ? "-STOP " : "-CONT ") + process.pid() + " failed");
    }
  }

  /** GET with a timeout: the status code and the body (IOException when no answer came). */
  HttpResponse<String> fetch(String pathAndQuery, Duration timeout)
      throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + pathAndQuery))
            .timeout(timeout)
            .GET()
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Kills it at once (SIGKILL): a member that vanishes without leaving. */
  void kill() {
    process.destroyForcibly();
    try {
      process.waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    ChildProcesses.untrack(process);
  }
}
