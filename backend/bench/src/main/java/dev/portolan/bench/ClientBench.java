package dev.portolan.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code bench --only client}: the terminal client end to end, as users run it, against the tools
 * it stands in for. In a network namespace of its own (so the tools and the node see the
 * population's sockets only), a population of TCP sockets held by several child processes and a
 * node; then, interleaved run by run, {@code portolan who P} through the running node, once as the
 * launcher runs it (its shell fast path) and once with {@code PORTOLAN_FAST=off} (the JVM client
 * with its AOT cache, JVM start included), against {@code fuser -n tcp P} and {@code lsof -nP
 * -iTCP:P}, for an idle listener's port and a busy one's (shared with its accepted connections),
 * and {@code portolan ls -ltn} against {@code ss -ltn}. Each launcher row says which path answered
 * (run once more with a JAVA_HOME without java: only the shell path still answers). Every command
 * runs through {@code nsenter --net=} (its cost, with {@code true}, is a row of its own).
 */
final class ClientBench {
  /** One command's times at one population. */
  record Row(int sockets, String what, String command, Timings.Measured time, String check) {}

  private final Path jar;
  private final Path launcher;
  private final int warmups;
  private final int runs;
  private final PrintStream log;

  ClientBench(Path jar, Path launcher, int warmups, int runs, PrintStream log) {
    this.jar = jar;
    this.launcher = launcher;
    this.warmups = warmups;
    this.runs = runs;
    this.log = log;
  }

  /** Why this part cannot run here, or empty. */
  static Optional<String> unavailableReason(Path launcher) {
    Optional<String> ns = NetworkNamespace.unavailableReason();
    if (ns.isPresent()) {
      return ns;
    }
    for (String tool : List.of("nsenter", "fuser", "lsof", "ss")) {
      if (ExternalTool.find(tool).isEmpty()) {
        return Optional.of("`" + tool + "` not found on PATH");
      }
    }
    if (!Files.isExecutable(launcher)) {
      return Optional.of("no launcher at " + launcher + " (--client-launcher)");
    }
    return Optional.empty();
  }

  List<Row> run(List<Integer> sizes) throws Exception {
    List<Row> rows = new ArrayList<>();
    Path cache = Files.createTempDirectory("portolan-bench-aot-");
    try (NetworkNamespace ns = NetworkNamespace.create()) {
      List<String> in = List.of("nsenter", "--net=/run/netns/" + ns.name());
      log.printf("client: network namespace %s; AOT cache in %s%n", ns.name(), cache);
      for (int size : sizes) {
        rows.addAll(population(ns, in, cache, size));
      }
    } finally {
      try (var files = Files.list(cache)) {
        for (Path f : files.toList()) {
          Files.deleteIfExists(f);
        }
      }
      Files.deleteIfExists(cache);
    }
    return rows;
  }

  private List<Row> population(NetworkNamespace ns, List<String> in, Path cache, int size)
      throws Exception {
    long t0 = System.nanoTime();
    try (Population population = Population.start(jar, size, in)) {
      int port = PortolanProcess.freePort();
      List<String> node = new ArrayList<>(in);
      node.addAll(
          List.of(
              ChildProcesses.javaLauncher(),
              "-jar",
              jar.toString(),
              "--http-port",
              Integer.toString(port),
              "--bind",
              "127.0.0.1",
              "--node-name",
              "bench-client",
              // its own namespace only, as the tools see it (as root it would read every other
              // namespace of the host too)
              "--namespaces",
              "off"));
      Process nodeProcess = ChildProcesses.start(node);
      drain(nodeProcess.getInputStream());
      try {
        String server = "http://127.0.0.1:" + port;
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PORTOLAN_CACHE_DIR", cache.toString());
        env.put("PORTOLAN_SERVER", server);
        int idle = population.idlePort();
        int busy = population.busyPort();
        long owner = population.idlePortOwnerPid();
        // the node has sampled the population, and the AOT cache is trained (a reading command
        // through the JVM client: the fast path trains nothing)
        Map<String, String> jvmEnv = new LinkedHashMap<>(env);
        jvmEnv.put("PORTOLAN_FAST", "off");
        awaitOutput(in, jvmEnv, List.of(launcher.toString(), "who", "tcp/" + idle), "" + owner);
        awaitCache(cache);
        int sockets = countSockets(in);
        log.printf(
            "client: ~%,d sockets (%,d in the namespace's TCP table), ready in %.1f s%n",
            size, sockets, (System.nanoTime() - t0) / 1e9);
        Map<String, Command> commands = new LinkedHashMap<>();
        commands.put("nsenter (the floor)", new Command(List.of("true"), env));
        for (String question : List.of("idle", "busy")) {
          String asked = Integer.toString(question.equals("idle") ? idle : busy);
          List<String> who = List.of(launcher.toString(), "who", "tcp/" + asked);
          // as users run it: the launcher's fast path when it can, else the JVM client
          commands.put("who " + question + ": portolan", new Command(who, env));
          commands.put("who " + question + ": portolan, JVM client", new Command(who, jvmEnv));
          commands.put(
              "who " + question + ": fuser",
              new Command(List.of("fuser", "-n", "tcp", asked), env));
          commands.put(
              "who " + question + ": lsof",
              new Command(List.of("lsof", "-nP", "-iTCP:" + asked), env));
        }
        commands.put(
            "ls -ltn: portolan", new Command(List.of(launcher.toString(), "ls", "-ltn"), env));
        commands.put("ls -ltn: ss", new Command(List.of("ss", "-ltn"), env));
        Map<String, long[]> nanos = new LinkedHashMap<>();
        Map<String, String> checks = new LinkedHashMap<>();
        commands.keySet().forEach(k -> nanos.put(k, new long[runs]));
        for (int i = -warmups; i < runs; i++) {
          for (Map.Entry<String, Command> c : commands.entrySet()) {
            List<String> command = new ArrayList<>(in);
            command.addAll(c.getValue().argv());
            Timed t = time(command, c.getValue().env());
            if (i >= 0) {
              nanos.get(c.getKey())[i] = t.nanos();
            } else {
              checks.put(c.getKey(), t.check());
            }
          }
        }
        for (Map.Entry<String, Command> c : commands.entrySet()) {
          if (c.getValue().argv().getFirst().equals(launcher.toString())) {
            checks.put(c.getKey(), checks.get(c.getKey()) + ", " + pathTaken(in, c.getValue()));
          }
        }
        List<Row> rows = new ArrayList<>();
        for (Map.Entry<String, Command> c : commands.entrySet()) {
          Row row =
              new Row(
                  sockets,
                  c.getKey(),
                  c.getValue().text().replace(launcher.toString(), "portolan"),
                  Timings.summarize(nanos.get(c.getKey())),
                  checks.get(c.getKey()));
          rows.add(row);
          log.printf(
              "  %-22s %8.1f ms median, %8.1f min, %8.1f max  (%s)%n",
              row.what(),
              row.time().medianMillis(),
              row.time().minMillis(),
              row.time().maxMillis(),
              row.check());
        }
        log.printf("  (%.0f s)%n", (System.nanoTime() - t0) / 1e9);
        return rows;
      } finally {
        ChildProcesses.stop(nodeProcess);
      }
    }
  }

  /**
   * A command and its environment; {@code PORTOLAN_FAST=off} in it is part of its text, as a user
   * would type it.
   */
  record Command(List<String> argv, Map<String, String> env) {
    String text() {
      String line = String.join(" ", argv);
      return "off".equals(env.get("PORTOLAN_FAST")) ? "PORTOLAN_FAST=off " + line : line;
    }
  }

  /**
   * Which path of the launcher answered {@code c}: run once more with a JAVA_HOME that has no java,
   * it answers the same only when no JVM started (the launcher's shell fast path).
   */
  private static String pathTaken(List<String> in, Command c) throws Exception {
    List<String> command = new ArrayList<>(in);
    command.addAll(c.argv());
    Timed asRun = time(command, c.env());
    Map<String, String> noJava = new LinkedHashMap<>(c.env());
    noJava.put("JAVA_HOME", "/nonexistent/jdk");
    Timed withoutJava = time(command, noJava);
    return withoutJava.check().equals(asRun.check()) ? "path: shell (no JVM)" : "path: JVM client";
  }

  /** A run's wall time and what it said in a few words (exit code, lines on stdout). */
  record Timed(long nanos, String check) {}

  private static Timed time(List<String> command, Map<String, String> env) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
    pb.environment().putAll(env);
    long start = System.nanoTime();
    Process p = pb.start();
    byte[] out = p.getInputStream().readAllBytes();
    int code = p.waitFor();
    long nanos = System.nanoTime() - start;
    long lines = new String(out, StandardCharsets.UTF_8).lines().count();
    return new Timed(nanos, "exit " + code + ", " + lines + " lines");
  }

  /**
   * Runs {@code command} until its stdout contains {@code text} (300 s at most: a loaded machine).
   */
  private static void awaitOutput(
      List<String> in, Map<String, String> env, List<String> command, String text)
      throws Exception {
    List<String> full = new ArrayList<>(in);
    full.addAll(command);
    long deadline = System.nanoTime() + Duration.ofSeconds(300).toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      ProcessBuilder pb = new ProcessBuilder(full).redirectErrorStream(true);
      pb.environment().putAll(env);
      Process p = pb.start();
      last = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor();
      if (last.contains(text)) {
        return;
      }
      Thread.sleep(200);
    }
    throw new IOException(String.join(" ", command) + " never said " + text + ": " + last);
  }

  /** Waits until the launcher's background run has written the AOT cache (60 s at most). */
  private static void awaitCache(Path dir) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      try (var files = Files.list(dir)) {
        if (files.anyMatch(f -> f.toString().endsWith(".aot"))) {
          Thread.sleep(500); // let the writer finish and exit
          return;
        }
      }
      Thread.sleep(200);
    }
    throw new IOException("the launcher wrote no AOT cache in " + dir + " within 60 s");
  }

  private static int countSockets(List<String> in) throws Exception {
    List<String> command = new ArrayList<>(in);
    command.addAll(List.of("ss", "-tanH"));
    Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    long n = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().count();
    p.waitFor();
    return (int) n;
  }

  private static void drain(InputStream out) {
    Thread.ofVirtual()
        .start(
            () -> {
              try {
                out.transferTo(OutputStream.nullOutputStream());
              } catch (IOException ignored) {
                // gone
              }
            });
  }

  /** The rows as a markdown table: medians, and each tool's time over ours. */
  static String markdown(List<Row> rows) {
    StringBuilder md = new StringBuilder();
    md.append("| TCP sockets | question | command | median | min | max | ratio |\n");
    md.append("|---|---|---|---|---|---|---|\n");
    Map<String, Double> ours = new LinkedHashMap<>();
    for (Row r : rows) {
      String question =
          r.what().contains(":") ? r.what().substring(0, r.what().indexOf(':')) : r.what();
      if (r.what().endsWith(": portolan")) {
        ours.put(r.sockets() + question, r.time().medianMillis());
      }
      Double mine = ours.get(r.sockets() + question);
      String ratio =
          r.what().endsWith(": portolan") || mine == null
              ? ""
              : String.format(Locale.ROOT, "x%.2f", r.time().medianMillis() / mine);
      md.append(
          String.format(
              Locale.ROOT,
              "| %,d | %s | `%s` | %.1f ms | %.1f | %.1f | %s |%n",
              r.sockets(),
              question,
              r.command(),
              r.time().medianMillis(),
              r.time().minMillis(),
              r.time().maxMillis(),
              ratio));
    }
    return md.toString();
  }
}
