package dev.portolan.bench;

import dev.portolan.holder.SocketHolder;
import dev.portolan.scan.Preset;
import dev.portolan.socket.Protocol;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The scan benchmark: Portolan's scan engine against nmap on the same listeners, in the same run,
 * inside a network namespace of its own (so nothing but its own listeners is scanned, never the
 * host's ports). A {@link SocketHolder} ({@code listeners ... hold}) opens {@value #TCP_LISTENERS}
 * TCP listeners on random ports of 1-65535 and {@value #UDP_LISTENERS} silent UDP sockets on random
 * ports of 1-{@value #UDP_MAX_PORT}: the truth, confirmed with {@code ss} in the namespace. Then,
 * per protocol, a {@link ScanBenchChild} (our engine, {@code aggressive}) and nmap ({@code -sT -p-
 * -T4}, {@code -sU -p 1-2000 -T5}) take turns: one warm-up run each (our cold run), then {@code
 * runs} timed runs each, every answer checked against the truth.
 */
final class ScanBench {
  static final int TCP_LISTENERS = 100;
  static final int UDP_LISTENERS = 5;
  static final int UDP_MAX_PORT = 2000;
  static final String TCP_SCAN = "full TCP scan (1-65535), " + TCP_LISTENERS + " listeners";
  static final String TCP_SCAN_NORMAL =
      "full TCP scan (1-65535), " + TCP_LISTENERS + " listeners, default timing (normal vs -T3)";
  static final String UDP_SCAN = "UDP scan 1-" + UDP_MAX_PORT + ", " + UDP_LISTENERS + " silent";
  static final List<String> NMAP_TCP =
      List.of("-sT", "-p-", "-T4", "-n", "-Pn", "-oG", "-", "127.0.0.1");
  static final List<String> NMAP_TCP_DEFAULT =
      List.of("-sT", "-p-", "-T3", "-n", "-Pn", "-oG", "-", "127.0.0.1");
  static final List<String> NMAP_UDP =
      List.of("-sU", "-p", "1-" + UDP_MAX_PORT, "-T5", "-n", "-Pn", "-oG", "-", "127.0.0.1");
  static final String OURS = "ScanEngine, aggressive, warm JVM";
  static final String OURS_NORMAL = "ScanEngine, normal, warm JVM";

  /** Longest wait for one scan of ours before the child counts as hung. */
  private static final long SCAN_LIMIT_SECONDS = 120;

  private final Path jar;
  private final int runs;
  private final PrintStream log;

  ScanBench(Path jar, int runs, PrintStream log) {
    this.jar = jar;
    this.runs = runs;
    this.log = log;
  }

  /** The two scans; rows that say "skipped: why" when no namespace can be made here. */
  List<ScanComparison> run() throws Exception {
    Optional<String> unavailable = NetworkNamespace.unavailableReason();
    if (unavailable.isPresent()) {
      return skippedAll(unavailable.get());
    }
    NetworkNamespace ns;
    try {
      ns = NetworkNamespace.create();
    } catch (IOException e) {
      return skippedAll(e.getMessage());
    }
    try (ns) {
      log.printf("scan: network namespace %s (lo only)%n", ns.name());
      long seed = System.nanoTime();
      Process holder =
          ChildProcesses.start(
              ns.exec(
                  List.of(
                      ChildProcesses.javaLauncher(),
                      "-Xmx32m",
                      "-XX:+UseSerialGC",
                      "-XX:TieredStopAtLevel=1",
                      "-cp",
                      jar.toString(),
                      SocketHolder.class.getName(),
                      "listeners",
                      "127.0.0.1",
                      Long.toString(seed),
                      Integer.toString(TCP_LISTENERS),
                      Integer.toString(UDP_LISTENERS),
                      "1",
                      Integer.toString(UDP_MAX_PORT),
                      "4096",
                      "hold")));
      try {
        Set<Integer> tcp = new TreeSet<>();
        Set<Integer> udp = new TreeSet<>();
        awaitHolder(holder, tcp, udp);
        log.printf(
            "  truth: %d TCP listeners %s, %d silent UDP sockets %s (seed %d)%n",
            tcp.size(), shortList(tcp, 8), udp.size(), udp, seed);
        confirmWithSs(ns, tcp, udp);
        List<ScanComparison> rows = new ArrayList<>();
        rows.add(
            compare(ns, TCP_SCAN, Protocol.TCP, "-", 65_535, tcp, Preset.AGGRESSIVE, NMAP_TCP));
        rows.add(
            compare(
                ns,
                TCP_SCAN_NORMAL,
                Protocol.TCP,
                "-",
                65_535,
                tcp,
                Preset.NORMAL,
                NMAP_TCP_DEFAULT));
        rows.add(
            compare(
                ns,
                UDP_SCAN,
                Protocol.UDP,
                "1-" + UDP_MAX_PORT,
                UDP_MAX_PORT,
                udp,
                Preset.AGGRESSIVE,
                NMAP_UDP));
        return rows;
      } finally {
        ChildProcesses.stop(holder);
      }
    }
  }

  private List<ScanComparison> skippedAll(String reason) {
    log.println("scan: skipped: " + reason);
    return List.of(
        ScanComparison.skipped(
            TCP_SCAN, Protocol.TCP, TCP_LISTENERS, nmapCommand(NMAP_TCP), runs, reason),
        ScanComparison.skipped(
            TCP_SCAN_NORMAL,
            Protocol.TCP,
            TCP_LISTENERS,
            nmapCommand(NMAP_TCP_DEFAULT),
            runs,
            reason),
        ScanComparison.skipped(
            UDP_SCAN, Protocol.UDP, UDP_LISTENERS, nmapCommand(NMAP_UDP), runs, reason));
  }

  static String nmapCommand(List<String> args) {
    return "nmap " + String.join(" ", args);
  }

  /** One protocol: our child and nmap take turns, run 0 being the warm-up (our cold run). */
  private ScanComparison compare(
      NetworkNamespace ns,
      String scenario,
      Protocol proto,
      String ports,
      int total,
      Set<Integer> truth,
      Preset preset,
      List<String> nmapArgs)
      throws Exception {
    Set<String> positive = proto == Protocol.TCP ? Set.of("open") : Set.of("open", "open|filtered");
    Optional<ExternalTool> nmap = ExternalTool.find("nmap");
    if (nmap.isEmpty()) {
      log.println("  nmap not installed: Portolan's scans are timed alone");
    }
    List<String> nmapInNs = ns.execArgs(prepend("nmap", nmapArgs));

    Process child =
        ChildProcesses.start(
            ns.exec(
                List.of(
                    ChildProcesses.javaLauncher(),
                    "--enable-native-access=ALL-UNNAMED",
                    "-cp",
                    jar.toString(),
                    ScanBenchChild.class.getName(),
                    proto.wireName(),
                    ports,
                    preset.wireName())));
    BlockingQueue<String> answers = answersOf(child);
    long[] ours = new long[runs];
    long[] theirs = new long[runs];
    int oursTimed = 0;
    int oursExact = 0;
    int toolExact = 0;
    long cold = -1;
    long coldUptime = -1;
    String oursMismatch = null;
    String toolMismatch = null;
    String failure = null;
    try {
      for (int run = 0; run <= runs; run++) {
        String label = run == 0 ? "warm-up" : "run " + run + "/" + runs;
        String oursNote = "-";
        if (failure == null) {
          JsonObject answer = ask(child, answers);
          if (answer.getString("error") != null && answer.getLong("nanos") == null) {
            failure = answer.getString("error");
            oursNote = "failed: " + failure;
          } else {
            long nanos = answer.getLong("nanos");
            String mismatch = oursMismatch(answer, truth, positive, total);
            oursNote =
                String.format(
                    "%,.1f ms (CPU %,.0f ms) %s",
                    nanos / 1e6,
                    answer.getLong("cpuNanos", -1L) / 1e6,
                    mismatch == null ? "exact" : "INEXACT: " + mismatch);
            if (run == 0) {
              cold = nanos;
              coldUptime = answer.getLong("uptimeMillis", -1L);
              oursNote += String.format(" (JVM up %,d ms)", coldUptime);
            } else {
              ours[oursTimed++] = nanos;
              oursExact += mismatch == null ? 1 : 0;
              oursMismatch = oursMismatch != null ? oursMismatch : mismatch;
            }
          }
        }
        String toolNote = "-";
        if (nmap.isPresent()) {
          ExternalTool.Captured c = ns.ip().capture(nmapInNs);
          if (!c.ok()) {
            throw new IOException(
                "nmap "
                    + String.join(" ", nmapArgs)
                    + " in "
                    + ns.name()
                    + " exited with "
                    + c.exitCode()
                    + ": "
                    + c.firstErrorLine());
          }
          String mismatch = nmapMismatch(c.stdout(), truth, positive, total);
          toolNote =
              String.format(
                  "%,.1f ms %s",
                  c.nanos() / 1e6, mismatch == null ? "exact" : "INEXACT: " + mismatch);
          if (run > 0) {
            theirs[run - 1] = c.nanos();
            toolExact += mismatch == null ? 1 : 0;
            toolMismatch = toolMismatch != null ? toolMismatch : mismatch;
          }
        }
        log.printf(
            "  %s %-11s ours %-52s | nmap %s%n", proto.wireName(), label, oursNote, toolNote);
      }
    } finally {
      ChildProcesses.stop(child);
    }
    if (failure == null && oursTimed == 0) {
      failure = "no timed run";
    }
    Timings.Measured oursTime =
        oursTimed > 0 ? Timings.summarize(Arrays.copyOf(ours, oursTimed)) : null;
    Timings.Measured toolTime = nmap.isPresent() ? Timings.summarize(theirs) : null;
    Comparison row =
        new Comparison(
            scenario,
            truth.size(),
            preset == Preset.NORMAL ? OURS_NORMAL : OURS,
            oursTime,
            nmapCommand(nmapArgs),
            toolTime);
    return new ScanComparison(
        row,
        proto,
        runs,
        cold,
        coldUptime,
        oursExact,
        toolExact,
        oursMismatch,
        toolMismatch,
        null,
        oursTime == null ? failure : null);
  }

  /** How one of our answers differs from the truth, or null if it is exact. */
  static String oursMismatch(
      JsonObject answer, Set<Integer> truth, Set<String> positive, int total) {
    if (!"COMPLETED".equals(answer.getString("status"))) {
      return "status "
          + answer.getString("status")
          + (answer.getString("error") != null ? " (" + answer.getString("error") + ")" : "");
    }
    Map<Integer, String> notClosed = new TreeMap<>();
    JsonObject states = answer.getJsonObject("states", new JsonObject());
    for (String state : states.fieldNames()) {
      JsonArray ports = states.getJsonArray(state);
      for (int i = 0; i < ports.size(); i++) {
        notClosed.put(ports.getInteger(i), state);
      }
    }
    int results = answer.getInteger("results", 0);
    String mismatch = mismatch(truth, positive, notClosed, answer.getLong("closed", 0L), total);
    return results != total
        ? results + " results for " + total + " ports" + (mismatch != null ? "; " + mismatch : "")
        : mismatch;
  }

  /** How nmap's grepable output differs from the truth, or null if it is exact. */
  static String nmapMismatch(String grepable, Set<Integer> truth, Set<String> positive, int total) {
    NmapGrepable.Host host;
    try {
      host = NmapGrepable.host(grepable, "127.0.0.1");
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
    String mismatch = mismatch(truth, positive, host.notClosed(), host.closed(), total);
    if (host.ignoredState() != null && !host.ignoredState().equals("closed")) {
      String ignored = host.ignoredCount() + " ports " + host.ignoredState() + " (not listed)";
      return mismatch == null ? ignored : mismatch + "; " + ignored;
    }
    return mismatch;
  }

  /**
   * Exact means: the ports not closed are exactly the truth, each in a {@code positive} state
   * (open; for UDP also open|filtered, all a silent listener can show), and every other port of the
   * {@code total} is closed.
   */
  static String mismatch(
      Set<Integer> truth,
      Set<String> positive,
      Map<Integer, String> notClosed,
      long closed,
      int total) {
    List<String> problems = new ArrayList<>();
    Set<Integer> missed = new TreeSet<>(truth);
    missed.removeAll(notClosed.keySet());
    Set<Integer> extra = new TreeSet<>(notClosed.keySet());
    extra.removeAll(truth);
    if (!missed.isEmpty()) {
      problems.add("missed " + shortList(missed, 5));
    }
    if (!extra.isEmpty()) {
      Map<String, Set<Integer>> byState = new TreeMap<>();
      extra.forEach(p -> byState.computeIfAbsent(notClosed.get(p), k -> new TreeSet<>()).add(p));
      byState.forEach(
          (state, ports) ->
              problems.add(ports.size() + " " + state + " not listening " + shortList(ports, 5)));
    }
    Set<Integer> wrongState = new TreeSet<>();
    notClosed.forEach(
        (port, state) -> {
          if (truth.contains(port) && !positive.contains(state)) {
            wrongState.add(port);
          }
        });
    if (!wrongState.isEmpty()) {
      problems.add("listeners not shown open " + shortList(wrongState, 5));
    }
    long accounted = closed + notClosed.size();
    if (problems.isEmpty() && accounted != total) {
      problems.add(accounted + " of " + total + " ports answered for");
    }
    return problems.isEmpty() ? null : String.join("; ", problems);
  }

  static String shortList(Set<Integer> ports, int max) {
    List<String> out = ports.stream().limit(max).map(String::valueOf).toList();
    return "["
        + String.join(", ", out)
        + (ports.size() > max ? ", ... " + ports.size() + " in all" : "")
        + "]";
  }

  private static List<String> prepend(String first, List<String> rest) {
    List<String> out = new ArrayList<>();
    out.add(first);
    out.addAll(rest);
    return out;
  }

  private static void awaitHolder(Process holder, Set<Integer> tcp, Set<Integer> udp)
      throws IOException {
    BufferedReader out =
        new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
    for (String line = out.readLine(); !"READY".equals(line); line = out.readLine()) {
      if (line == null) {
        throw new IOException("scan population child " + holder.pid() + " exited before READY");
      }
      int port = Integer.parseInt(line.substring(line.indexOf(' ') + 1));
      (line.startsWith("TCP ") ? tcp : udp).add(port);
    }
  }

  /**
   * The namespace must hold exactly the holder's sockets: {@code ss} in it lists the same TCP
   * listeners and UDP sockets.
   */
  private void confirmWithSs(NetworkNamespace ns, Set<Integer> tcp, Set<Integer> udp)
      throws Exception {
    if (ExternalTool.find("ss").isEmpty()) {
      log.println("  (ss not installed: the truth is the holder's word)");
      return;
    }
    Set<Integer> tcpSeen = ssPorts(ns, "-Hltn");
    Set<Integer> udpSeen = ssPorts(ns, "-Huan");
    if (!tcpSeen.equals(tcp) || !udpSeen.equals(udp)) {
      throw new IOException(
          "namespace "
              + ns.name()
              + " holds other sockets than the benchmark's: ss sees TCP "
              + shortList(tcpSeen, 8)
              + ", UDP "
              + shortList(udpSeen, 8));
    }
    log.println("  truth confirmed by ss in the namespace");
  }

  private static Set<Integer> ssPorts(NetworkNamespace ns, String flags) throws Exception {
    ExternalTool.Captured c = ns.ip().capture(ns.execArgs(List.of("ss", flags)));
    if (!c.ok()) {
      throw new IOException("ss " + flags + " in " + ns.name() + ": " + c.firstErrorLine());
    }
    Set<Integer> ports = new TreeSet<>();
    for (String line : c.stdout().split("\\R")) {
      String[] cols = line.strip().split("\\s+");
      if (cols.length >= 4) {
        ports.add(Integer.parseInt(cols[3].substring(cols[3].lastIndexOf(':') + 1)));
      }
    }
    return ports;
  }

  /** Lines {@code SCAN {json}} of the child, in order; other lines are echoed to the log. */
  private BlockingQueue<String> answersOf(Process child) {
    BlockingQueue<String> answers = new LinkedBlockingQueue<>();
    Thread.ofPlatform()
        .daemon()
        .name("scan-child-" + child.pid())
        .start(
            () -> {
              try (BufferedReader out =
                  new BufferedReader(
                      new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                  if (line.startsWith(ScanBenchChild.PREFIX)) {
                    answers.add(line.substring(ScanBenchChild.PREFIX.length()));
                  } else {
                    log.println("  child: " + line);
                  }
                }
              } catch (IOException ignored) {
                // the child was stopped
              }
              answers.add(""); // end of output
            });
    return answers;
  }

  /** Asks the child for one scan and waits for its answer. */
  private static JsonObject ask(Process child, BlockingQueue<String> answers)
      throws InterruptedException {
    try {
      OutputStream in = child.getOutputStream();
      in.write("scan\n".getBytes(StandardCharsets.US_ASCII));
      in.flush();
    } catch (IOException e) {
      return new JsonObject().put("error", "the scan child is gone: " + e.getMessage());
    }
    String line = answers.poll(SCAN_LIMIT_SECONDS, TimeUnit.SECONDS);
    if (line == null) {
      return new JsonObject().put("error", "no answer within " + SCAN_LIMIT_SECONDS + " s (hung?)");
    }
    if (line.isEmpty()) {
      answers.add(""); // keep the end mark for later asks
      return new JsonObject().put("error", "the scan child exited (code " + child.waitFor() + ")");
    }
    return new JsonObject(line);
  }
}
