package dev.portolan.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.portolan.web.Await;
import dev.portolan.web.RunningNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * /proc churn: while a node samples every 100 ms (the default reader: netlink where the kernel
 * allows it), two bash scripts spawn and ends about 1,000 short-lived processes a second for 10 s,
 * one in ten connecting to a known listener (held open 0 to 0.2 s) and one in twenty opening a
 * connected UDP socket. Two long-lived children hold a listener the churn connects to, and a
 * listener with a connection to itself. Every sample in the window succeeds, nothing is logged at
 * WARNING or above (nor any exception), the long-lived children's sockets are always theirs, and a
 * churned process's socket is only ever attributed to a churned process (bash, started during the
 * churn) or to nobody.
 */
class ProcChurnTest {
  private static final Duration DEADLINE = Duration.ofSeconds(20);
  private static final int RATE = 1000;
  private static final int SECONDS = 10;

  /** Fewer processes than this in the window: the churn was too light for the test to count. */
  private static final int MIN_SPAWNED = 1_200;

  /**
   * Bash scripts spawning at once (each RATE / DRIVERS a second): one alone falls short of 1,000 on
   * two cores.
   */
  private static final int DRIVERS = 2;

  /**
   * Spawns RATE processes a second for SECONDS seconds, paced with bash's own clock; prints how
   * many.
   */
  private static final String CHURN =
      """
      rate=$1; seconds=$2; port=$3
      exec 9<>"$4"
      start=${EPOCHREALTIME/./}
      end=$(( start + seconds * 1000000 ))
      n=0
      while :; do
        now=${EPOCHREALTIME/./}
        (( now >= end )) && break
        if (( n >= (now - start) * rate / 1000000 )); then read -t 0.002 -u 9; continue; fi
        for i in 0 1 2 3 4 5 6 7 8 9; do
          case $(( n % 20 )) in
            0|10) ( exec 3<>/dev/tcp/127.0.0.1/$port && read -t 0.$(( RANDOM % 3 )) -u 9; exec 3>&- ) 2>/dev/null & ;;
            5) ( exec 3<>/dev/udp/127.0.0.1/$port && read -t 0.1 -u 9; exec 3>&- ) 2>/dev/null & ;;
            *) ( : ) & ;;
          esac
          n=$(( n + 1 ))
        done
      done
      wait
      echo "SPAWNED $n"
      """;

  /** A long-lived {@link ChurnPeer} and its port. */
  private record Peer(Process process, int port) implements AutoCloseable {
    static Peer start(String mode) throws IOException {
      String java = ProcessHandle.current().info().command().orElseThrow();
      Process p =
          new ProcessBuilder(
                  java,
                  "-Xmx32m",
                  "-XX:TieredStopAtLevel=1",
                  "-cp",
                  System.getProperty("java.class.path"),
                  ChurnPeer.class.getName(),
                  mode)
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .start();
      String line =
          new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))
              .readLine();
      if (line == null) {
        throw new IOException("the " + mode + " peer exited before saying its port");
      }
      return new Peer(p, Integer.parseInt(line.substring("PORT ".length())));
    }

    int pid() {
      return (int) process.pid();
    }

    @Override
    public void close() throws Exception {
      process.getOutputStream().close();
      if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    }
  }

  /** What the node logs at WARNING and above, or with an exception, while it runs. */
  private static final class LogCapture extends Handler {
    final List<LogRecord> records = Collections.synchronizedList(new ArrayList<>());

    /**
     * The sampler saying it backs off (samples slowed by the churn): a state the node reports, not
     * a failure.
     */
    final List<LogRecord> backoff = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void publish(LogRecord r) {
      boolean backingOff =
          r.getThrown() == null
              && r.getLoggerName() != null
              && r.getLoggerName().endsWith("SamplerVerticle")
              && r.getMessage() != null
              && r.getMessage().startsWith("sampler ");
      if (backingOff) {
        backoff.add(r);
      } else if (r.getLevel().intValue() >= Level.WARNING.intValue() || r.getThrown() != null) {
        records.add(r);
      }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  }

  @Test
  void samplingSurvivesAThousandProcessesASecond(@TempDir Path dir) throws Exception {
    Path bash = Path.of("/bin/bash");
    assumeTrue(
        Files.isExecutable(bash),
        "the churn is a bash script (/dev/tcp, EPOCHREALTIME); /bin/bash is missing");
    Path mkfifo =
        Files.isExecutable(Path.of("/usr/bin/mkfifo"))
            ? Path.of("/usr/bin/mkfifo")
            : Path.of("/bin/mkfifo");
    assumeTrue(
        Files.isExecutable(mkfifo), "the churn paces itself by reading a FIFO; mkfifo is missing");
    Path fifo = dir.resolve("pace");
    assertEquals(0, new ProcessBuilder(mkfifo.toString(), fifo.toString()).start().waitFor());

    try (Peer accept = Peer.start("accept");
        Peer hold = Peer.start("hold");
        RunningNode node = RunningNode.start()) {
      Await.until(
          "the peers' listeners in a sample",
          DEADLINE,
          () ->
              ownedBy(node, accept.port(), accept.pid()) && ownedBy(node, hold.port(), hold.pid())
                  ? true
                  : null);
      Map<String, Double> before = metrics(node);
      LogCapture log = new LogCapture();
      Logger root = Logger.getLogger("");
      root.addHandler(log);
      long driverStart = Long.MAX_VALUE;
      List<Process> churn = new ArrayList<>();
      int polls = 0;
      int rowsChecked = 0;
      int churnAttributed = 0;
      long started = System.nanoTime();
      try {
        for (int d = 0; d < DRIVERS; d++) {
          Process p =
              new ProcessBuilder(
                      bash.toString(),
                      "-c",
                      CHURN,
                      "churn",
                      String.valueOf(RATE / DRIVERS),
                      String.valueOf(SECONDS),
                      String.valueOf(accept.port()),
                      fifo.toString())
                  .redirectError(ProcessBuilder.Redirect.INHERIT)
                  .start();
          churn.add(p);
          driverStart = Math.min(driverStart, startTicks(p.pid()));
        }
        long since = driverStart;
        while (churn.stream().anyMatch(Process::isAlive)) {
          polls++;
          // TIME_WAIT rows on the port are not the held connection: an earlier test's connection to
          // a listener that
          // had the same (ephemeral) port lingers for a minute
          JsonArray held =
              new JsonArray(
                  node
                      .get("/api/v1/sockets?proto=tcp&port=" + hold.port())
                      .json()
                      .getJsonArray("sockets")
                      .stream()
                      .filter(r -> !"time-wait".equals(((JsonObject) r).getString("state")))
                      .toList());
          assertEquals(
              3,
              held.size(),
              () -> "the held listener and both ends of its connection: " + held.encode());
          for (Object o : held) {
            JsonObject owner = ((JsonObject) o).getJsonObject("owner");
            assertEquals(
                hold.pid(),
                owner.getInteger("pid", -1),
                () -> "a held socket attributed elsewhere: " + o);
            rowsChecked++;
          }
          JsonObject confirmed =
              node.get("/api/v1/owners?sockets=true&proto=tcp&port=" + hold.port()).json();
          for (Object o : confirmed.getJsonArray("sockets")) {
            assertEquals(
                hold.pid(),
                ((JsonObject) o).getJsonObject("owner").getInteger("pid", -1),
                () -> "a confirmed owner of the held port elsewhere: " + o);
          }
          JsonArray churned =
              node.get("/api/v1/sockets?limit=10000&port=" + accept.port())
                  .json()
                  .getJsonArray("sockets");
          for (Object o : churned) {
            JsonObject s = (JsonObject) o;
            JsonObject owner = s.getJsonObject("owner");
            rowsChecked++;
            if (!"process".equals(owner.getString("status"))) {
              continue; // kernel (TIME_WAIT, not yet accepted), unknown (gone before it was looked
              // at)
            }
            int pid = owner.getInteger("pid");
            // the listener is TCP: a churned UDP socket may get the same port number as its own
            // local port
            if ("tcp".equals(s.getString("proto")) && s.getInteger("localPort") == accept.port()) {
              assertEquals(
                  accept.pid(),
                  pid,
                  () -> "the listener's side attributed to another process: " + s);
            } else {
              churnAttributed++;
              assertTrue(
                  pid != accept.pid() && pid != hold.pid(),
                  () -> "a churned socket attributed to a peer: " + s);
              assertEquals(
                  "bash",
                  owner.getString("process"),
                  () -> "a churned socket attributed to a non-churn process: " + s);
              assertTrue(
                  owner.getLong("startTime") >= since,
                  () ->
                      "a churned socket attributed to a process older than the churn ("
                          + since
                          + "): "
                          + s);
            }
          }
        }
      } finally {
        root.removeHandler(log);
      }
      double seconds = (System.nanoTime() - started) / 1e9;
      int spawned = 0;
      for (Process p : churn) {
        String last = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(last.startsWith("SPAWNED "), last);
        spawned += Integer.parseInt(last.substring("SPAWNED ".length()));
      }
      Map<String, Double> after = metrics(node);
      double samples =
          after.get("portolan_sample_duration_seconds_count")
              - before.get("portolan_sample_duration_seconds_count");
      double failed =
          after.get("portolan_sample_failures_total")
              - before.get("portolan_sample_failures_total");
      double overruns =
          after.get("portolan_sample_overruns_total")
              - before.get("portolan_sample_overruns_total");
      System.out.printf(
          java.util.Locale.ROOT,
          "proc churn: %d processes in %.1f s (%.0f/s); %.0f samples, %.0f failed,"
              + " %.0f overruns, %d backoff notes; %d reads, %d socket rows checked, %d churned sockets attributed to a"
              + " churned process%n",
          spawned,
          seconds,
          spawned / seconds,
          samples,
          failed,
          overruns,
          log.backoff.size(),
          polls,
          rowsChecked,
          churnAttributed);
      assertEquals(0, failed, "failed samples during the churn");
      assertTrue(samples >= 20, "only " + samples + " samples in " + seconds + " s");
      // The churn's own floor (is the test heavy enough to mean something): bash on this 2-CPU
      // machine, beside a node sampling every 100 ms, spawns 160-230 processes a second (2,170
      // alone,
      // 1,650 in a full suite run on 2026-12-07), far from RATE; 1,200 in 10 s still has a socket
      // made or closed by a short-lived process in every sample.
      assertTrue(
          spawned >= MIN_SPAWNED,
          "the churn spawned only " + spawned + " processes (at least " + MIN_SPAWNED + ")");
      assertTrue(
          log.records.isEmpty(),
          () ->
              "logged during the churn: "
                  + log.records.stream()
                      .map(
                          r ->
                              r.getLevel()
                                  + " "
                                  + r.getLoggerName()
                                  + ": "
                                  + r.getMessage()
                                  + (r.getThrown() == null ? "" : " " + r.getThrown()))
                      .toList());
    }
  }

  /**
   * Whether the node shows {@code pid}'s listener on {@code port} owned by it (another namespace,
   * another test's process, may listen on the same number: not counted against it).
   */
  private static boolean ownedBy(RunningNode node, int port, int pid) {
    JsonArray rows =
        node.get("/api/v1/sockets?proto=tcp&listening=true&local-port=" + port)
            .json()
            .getJsonArray("sockets");
    for (int i = 0; i < rows.size(); i++) {
      if (rows.getJsonObject(i).getJsonObject("owner").getInteger("pid", -1) == pid) {
        return true;
      }
    }
    return false;
  }

  /** The node's /metrics, name (with labels) to value. */
  private static Map<String, Double> metrics(RunningNode node) {
    Map<String, Double> out = new java.util.HashMap<>();
    for (String line : node.get("/metrics").body().split("\n")) {
      if (!line.startsWith("#") && !line.isBlank()) {
        int space = line.lastIndexOf(' ');
        String name = line.substring(0, space);
        out.put(
            name.contains("{") ? name.substring(0, name.indexOf('{')) : name,
            Double.parseDouble(line.substring(space + 1)));
      }
    }
    return out;
  }

  /** A process's start time in clock ticks after boot (field 22 of /proc/PID/stat). */
  private static long startTicks(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(fields[19]);
  }
}
