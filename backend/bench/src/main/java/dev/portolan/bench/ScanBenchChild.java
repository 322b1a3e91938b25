package dev.portolan.bench;

import dev.portolan.scan.PortList;
import dev.portolan.scan.PortResult;
import dev.portolan.scan.PortState;
import dev.portolan.scan.Preset;
import dev.portolan.scan.ScanEngine;
import dev.portolan.scan.ScanListener;
import dev.portolan.scan.ScanOutcome;
import dev.portolan.scan.ScanPlan;
import dev.portolan.socket.Protocol;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;

/**
 * Child JVM of the scan benchmark, run inside the benchmark's network namespace: Portolan's scan
 * engine on 127.0.0.1 with {@link Preset#AGGRESSIVE}. {@code ScanBenchChild tcp|udp PORTS} creates
 * one engine (as a node does) and runs one scan per line read from stdin, so that the parent can
 * interleave its runs with nmap's; it exits at the end of stdin. Each scan is timed in-process,
 * from {@code start} to the outcome (the first one is the cold run: class loading and interpreted
 * code included), and answered with one line {@code SCAN {json}} on stdout:
 *
 * <pre>
 * {"nanos": 812345678, "status": "COMPLETED", "results": 65535, "probes": 65535, "closed": 65435,
 *  "states": {"open": [22, 80, ...], "filtered": [...]}, "error": null, "uptimeMillis": 1234,
 *  "cpuNanos": 790000000}
 * </pre>
 *
 * {@code states} lists every port not closed, by state ({@link PortState#wireName()}); {@code
 * uptimeMillis} is the JVM's uptime when the scan ended (for the first scan: start-up plus the cold
 * scan), {@code cpuNanos} the CPU time the JVM used during the scan (user and kernel, every
 * thread). A scan that throws or fails is answered with its error. Anything else the engine prints
 * does not start with {@code SCAN }.
 */
public final class ScanBenchChild {
  static final String PREFIX = "SCAN ";

  private ScanBenchChild() {}

  public static void main(String[] args) throws IOException {
    Protocol proto = Protocol.fromWire(args[0]);
    String ports = args[1];
    Preset preset = args.length > 2 ? Preset.fromWire(args[2]) : Preset.AGGRESSIVE;
    PrintStream out = System.out;
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    ScanEngine engine = null;
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      JsonObject answer;
      try {
        if (engine == null) {
          engine = ScanEngine.create();
        }
        ScanPlan plan =
            new ScanPlan(
                List.of(InetAddress.getByName("127.0.0.1")),
                PortList.parse(ports, proto),
                proto,
                preset,
                false,
                0,
                4096);
        answer = scan(engine, plan);
      } catch (
          Throwable
              t) { // report the engine's failure to the parent, whatever it is, and stay for the
        // next run
        answer = new JsonObject().put("error", describe(t));
      }
      out.println(PREFIX + answer.encode());
      out.flush();
    }
    System.exit(0);
  }

  private static JsonObject scan(ScanEngine engine, ScanPlan plan)
      throws InterruptedException, ExecutionException {
    long cpuStart = processCpuNanos();
    long start = System.nanoTime();
    ScanOutcome outcome = engine.start(plan, ScanListener.NONE).outcome().get();
    long nanos = System.nanoTime() - start;
    long cpuNanos = processCpuNanos() - cpuStart;
    Map<String, JsonArray> states = new TreeMap<>();
    long closed = 0;
    for (PortResult r : outcome.results()) {
      if (r.state() == PortState.CLOSED) {
        closed++;
      } else {
        states.computeIfAbsent(r.state().wireName(), k -> new JsonArray()).add(r.port());
      }
    }
    JsonObject byState = new JsonObject();
    states.forEach(byState::put);
    return new JsonObject()
        .put("nanos", nanos)
        .put("status", outcome.status().name())
        .put("results", outcome.results().size())
        .put("probes", outcome.probesSent())
        .put("engineMicros", outcome.elapsedMicros())
        .put("closed", closed)
        .put("states", byState)
        .put("error", outcome.error())
        .put("uptimeMillis", ManagementFactory.getRuntimeMXBean().getUptime())
        .put("cpuNanos", cpuNanos);
  }

  /** CPU time of this JVM, user and kernel, all threads (JIT and GC included); -1 where unknown. */
  private static long processCpuNanos() {
    return ManagementFactory.getOperatingSystemMXBean()
            instanceof com.sun.management.OperatingSystemMXBean os
        ? os.getProcessCpuTime()
        : -1;
  }

  private static String describe(Throwable t) {
    Throwable cause = t instanceof ExecutionException && t.getCause() != null ? t.getCause() : t;
    StringWriter trace = new StringWriter();
    cause.printStackTrace(new PrintWriter(trace));
    System.err.print(
        "ScanBenchChild: "
            + trace); // the whole trace for the log; the parent reports the first line
    return cause.getClass().getSimpleName()
        + (cause.getMessage() != null ? ": " + cause.getMessage() : "");
  }
}
