package dev.portolan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.owner.ChildListeners;
import dev.portolan.web.RunningNode;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code portolan why} against a running node: the answers, the table, JSON and exit codes. */
class WhyCommandTest {
  static RunningNode node;
  static String server;

  @BeforeAll
  static void startNode() throws Exception {
    node = RunningNode.start();
    server = "http://127.0.0.1:" + node.port;
  }

  @AfterAll
  static void stopNode() throws Exception {
    node.close();
  }

  @Test
  void bindOnAHeldPortNamesTheHolderAndExitsOne() throws Exception {
    try (ChildListeners child = ChildListeners.start(1)) {
      int port = child.ports.getFirst();
      ClientRun why = ClientRun.run("why", "bind", "tcp/" + port, "--server", server);

      assertEquals(1, why.code(), why.toString());
      assertTrue(
          why.out().startsWith("tcp/" + port + " on " + RunningNode.NODE + ": in-use"),
          why.toString());
      assertTrue(why.out().contains("pid " + child.pid()), why.toString());
      assertTrue(why.out().contains("ROLE"), why.toString());
    }
  }

  @Test
  void bindOnAFreeOrdinaryPortExitsZero() throws Exception {
    int port = -1;
    for (int tries = 0; tries < 100 && port < 0; tries++) {
      int candidate = ThreadLocalRandom.current().nextInt(20_000, 30_000);
      try (ServerSocket s = new ServerSocket()) {
        s.bind(new InetSocketAddress(candidate));
        port = candidate;
      } catch (java.io.IOException taken) {
        // try another
      }
    }
    ClientRun why = ClientRun.run("why", "bind", Integer.toString(port), "--server", server);
    if (why.out().contains(": in-use") || why.out().contains(": time-wait")) {
      org.junit.jupiter.api.Assumptions.abort("another process took port " + port + ": " + why);
    }

    assertEquals(0, why.code(), why.toString());
    assertTrue(why.out().contains(": free"), why.toString());
  }

  @Test
  void connectToARefusedPortSaysNothingListensAsJson() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    ClientRun why =
        ClientRun.run("why", "connect", "127.0.0.1:" + port, "-o", "json", "--server", server);

    assertEquals(1, why.code(), why.toString());
    Map<String, Object> j = Json.parseObject(why.out());
    assertEquals("not-listening", j.get("verdict"), why.toString());
    assertEquals("connect", j.get("kind"));
  }

  @Test
  void badQuestionsAreUsageErrors() {
    for (String[] args :
        new String[][] {
          {"why", "bind", "tcp/0"},
          {"why", "frob", "tcp/80"},
          {"why", "connect", "nohostport"},
          {"why", "port", "sctp/9"},
          {"why", "bind", "tcp/80", "--from", "a"}
        }) {
      String[] all = java.util.Arrays.copyOf(args, args.length + 2);
      all[args.length] = "--server";
      all[args.length + 1] = server;
      ClientRun why = ClientRun.run(all);
      assertEquals(2, why.code(), String.join(" ", args) + ": " + why);
      assertEquals(1, why.err().lines().count(), why.toString());
    }
  }
}
