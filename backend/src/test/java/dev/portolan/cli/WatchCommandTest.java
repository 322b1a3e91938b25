package dev.portolan.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.web.RunningNode;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code portolan watch} in a JVM of its own, following a real node's change feed: it shows a
 * listener the test opens (a Java listener on 127.0.0.1 is dual-stack: {@code
 * [::ffff:127.0.0.1]:P}, as ss writes it), and survives the node's restart on the same port (it
 * reconnects, is told {@code reset} by the new run, and shows the next listener).
 */
class WatchCommandTest {

  /** Waits until the node counts {@code n} or more SSE clients (its /metrics), for 20 s at most. */
  static void awaitFeedClients(RunningNode node, int n) {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      last =
          node.get("/metrics")
              .body()
              .lines()
              .filter(l -> l.startsWith("portolan_sse_clients"))
              .findFirst()
              .orElse("");
      if (!last.isEmpty() && Double.parseDouble(last.substring(last.lastIndexOf(' ') + 1)) >= n) {
        return;
      }
      Thread.onSpinWait();
    }
    throw new AssertionError("the node did not count " + n + " feed clients in 20 s: " + last);
  }

  @Test
  void showsAListenerAndSurvivesARestartOfTheNode() throws Exception {
    RunningNode first = RunningNode.start();
    int port = first.port;
    String server = "http://127.0.0.1:" + port;
    RunningNode second = null;
    try (LoggedNode watch = LoggedNode.start(List.of(), "watch", "-lt", "-n", "--server", server)) {
      awaitFeedClients(first, 1);
      try (ServerSocket a = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
        String line =
            watch.awaitLine("127.0.0.1]:" + a.getLocalPort() + " ", Duration.ofSeconds(20));
        assertTrue(line.contains("opened"), line);
        assertTrue(line.contains("LISTEN"), line);
        assertTrue(line.contains(RunningNode.NODE), line);
        assertTrue(line.contains("users:((\""), "the owner, as ss -p writes it: " + line);
        assertTrue(
            watch.out.get(0).startsWith("Time") && watch.out.get(0).contains("Change"),
            "a header first: " + watch.out);
      }
      first.close();
      first = null;
      watch.awaitLine("portolan: lost the feed", Duration.ofSeconds(20));
      second = RunningNode.start(Map.of("httpPort", port));
      watch.awaitLine("portolan: reconnected to " + server, Duration.ofSeconds(30));
      String reset = watch.awaitLine("reset the feed", Duration.ofSeconds(20));
      assertTrue(reset.contains("another run"), reset);
      try (ServerSocket b = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
        String line =
            watch.awaitLine("127.0.0.1]:" + b.getLocalPort() + " ", Duration.ofSeconds(20));
        assertTrue(line.contains("opened"), line);
      }
    } finally {
      if (first != null) {
        first.close();
      }
      if (second != null) {
        second.close();
      }
    }
  }
}
