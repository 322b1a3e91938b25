package dev.portolan.cli;

import static dev.portolan.testing.HostTools.isRoot;
import static dev.portolan.testing.HostTools.onPath;
import static dev.portolan.testing.HostTools.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.web.RunningNode;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Ctrl-C of {@code portolan scan}: a real node scans a filtered address (a private namespace whose
 * nft rules drop every TCP packet: slow), a real child {@code portolan scan} process gets SIGINT;
 * it asks the node to cancel, prints the partial table and "scan cancelled", and exits 130; the
 * node's scan is cancelled and no probe reaches the namespace after that.
 */
class ScanCtrlCTest {
  private static final Pattern PACKETS = Pattern.compile("counter packets (\\d+)");

  @Test
  void ctrlCCancelsTheNodesScanPrintsWhatItHasAndExits130() throws Exception {
    Assumptions.assumeTrue(isRoot(), "needs root for ip netns and nft: not root here");
    Assumptions.assumeTrue(onPath("ip"), "ip (iproute2) is not installed here");
    Assumptions.assumeTrue(onPath("nft"), "nft is not installed here");
    Assumptions.assumeTrue(onPath("kill"), "kill is not installed here");
    long pid = ProcessHandle.current().pid();
    String ns = "scanc" + pid;
    int octet = (int) (pid % 200) + 20;
    String hostIp = "10.253." + octet + ".1";
    String nsIp = "10.253." + octet + ".2";
    run("ip", "netns", "add", ns);
    try {
      run("ip", "link", "add", "sh" + pid, "type", "veth", "peer", "name", "sn" + pid, "netns", ns);
      run("ip", "addr", "add", hostIp + "/30", "dev", "sh" + pid);
      run("ip", "link", "set", "sh" + pid, "up");
      run("ip", "-n", ns, "addr", "add", nsIp + "/30", "dev", "sn" + pid);
      run("ip", "-n", ns, "link", "set", "sn" + pid, "up");
      run(
          "ip",
          "netns",
          "exec",
          ns,
          "nft",
          "add table inet scanc; add chain inet scanc in { type filter hook input priority 0; };"
              + " add rule inet scanc in ip protocol tcp counter drop");
      try (RunningNode node = RunningNode.start(Map.of("scanAllow", nsIp + "/32"))) {
        Process scan =
            CliProcess.launchInterruptible(
                Map.of(),
                "scan",
                nsIp,
                "-p",
                "1-2000",
                "--preset",
                "polite",
                "--server",
                "http://127.0.0.1:" + node.port);
        Assumptions.assumeTrue(
            scan != null, "this env has no --default-signal: SIGINT may be ignored here");
        // read as it comes: a child whose pipe fills up blocks, and would never exit
        java.util.concurrent.CompletableFuture<String> stdout = drain(scan.getInputStream());
        java.util.concurrent.CompletableFuture<String> stderr = drain(scan.getErrorStream());
        JsonObject running = awaitRunningWithResults(node, nsIp, scan, stderr);

        new ProcessBuilder("kill", "-INT", Long.toString(scan.pid())).start().waitFor();

        if (!scan.waitFor(60, TimeUnit.SECONDS)) {
          scan.destroyForcibly().waitFor();
          throw new AssertionError(
              "the client did not exit within 60 s of Ctrl-C; stdout:\n"
                  + stdout.get(10, TimeUnit.SECONDS)
                  + "\nstderr:\n"
                  + stderr.get(10, TimeUnit.SECONDS));
        }
        String out = stdout.get(10, TimeUnit.SECONDS);
        String err = stderr.get(10, TimeUnit.SECONDS);
        String all = "exit " + scan.exitValue() + "\nstdout:\n" + out + "\nstderr:\n" + err;
        assertEquals(130, scan.exitValue(), all);
        assertTrue(out.contains("Portolan scan report for " + nsIp), all);
        assertTrue(out.contains("filtered"), "the partial table has the filtered ports: " + all);
        assertTrue(err.contains("scan cancelled"), all);

        String id = running.getString("id");
        JsonObject state = node.get("/api/v1/scans/" + id).json();
        assertEquals("cancelled", state.getString("status"), state.encodePrettily());
        assertTrue(state.getLong("done") < state.getLong("total"), state.encodePrettily());

        // no probe reaches the namespace once cancelled: its drop counter stands still
        long before = packets(ns);
        long probesBefore = state.getLong("probesSent");
        long until = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        while (System.nanoTime() < until) {
          assertEquals(before, packets(ns), "packets reached the namespace after the cancel");
        }
        assertEquals(
            probesBefore, node.get("/api/v1/scans/" + id).json().getLong("probesSent"), all);
      }
    } finally {
      run("ip", "netns", "del", ns);
    }
  }

  /** The node's running scan of {@code target}, once some ports have their (filtered) result. */
  private static JsonObject awaitRunningWithResults(
      RunningNode node,
      String target,
      Process scan,
      java.util.concurrent.CompletableFuture<String> stderr)
      throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      if (!scan.isAlive()) {
        throw new AssertionError(
            "the scan client ended early: exit "
                + scan.exitValue()
                + ": "
                + stderr.get(10, TimeUnit.SECONDS));
      }
      for (Object o : node.get("/api/v1/scans").json().getJsonArray("scans")) {
        JsonObject s = (JsonObject) o;
        if (target.equals(s.getString("target"))
            && "running".equals(s.getString("status"))
            && s.getLong("done", 0L) > 0) {
          return s;
        }
      }
    }
    throw new AssertionError("no running scan of " + target + " with results within 60 s");
  }

  private static long packets(String ns) throws Exception {
    Process p =
        new ProcessBuilder("ip", "netns", "exec", ns, "nft", "list", "chain", "inet", "scanc", "in")
            .redirectErrorStream(true)
            .start();
    String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(10, TimeUnit.SECONDS), text);
    Matcher m = PACKETS.matcher(text);
    assertTrue(m.find(), text);
    return Long.parseLong(m.group(1));
  }

  /** Everything {@code in} gives until it ends, read on a thread of its own. */
  private static java.util.concurrent.CompletableFuture<String> drain(java.io.InputStream in) {
    java.util.concurrent.CompletableFuture<String> text =
        new java.util.concurrent.CompletableFuture<>();
    Thread.ofVirtual()
        .start(
            () -> {
              try {
                text.complete(new String(in.readAllBytes(), StandardCharsets.UTF_8));
              } catch (java.io.IOException e) {
                text.complete("(unreadable: " + e + ")");
              }
            });
    return text;
  }
}
