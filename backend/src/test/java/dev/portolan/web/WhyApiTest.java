package dev.portolan.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.owner.ChildListeners;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code GET /api/v1/why} on a running node, against causes made here. */
class WhyApiTest {
  private static RunningNode node;

  @BeforeAll
  static void start() throws Exception {
    node = RunningNode.start();
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  @Test
  void bindNamesTheChildProcessThatHoldsThePort() throws Exception {
    try (ChildListeners child = ChildListeners.start(1)) {
      int port = child.ports.getFirst();
      RunningNode.Reply r = node.get("/api/v1/why?kind=bind&proto=tcp&port=" + port);

      assertEquals(200, r.status(), r.body());
      JsonObject j = r.json();
      assertEquals("bind", j.getString("kind"));
      assertEquals("in-use", j.getString("verdict"), j.encodePrettily());
      assertTrue(j.getBoolean("problem"));
      assertEquals(RunningNode.NODE, j.getString("node"));
      JsonObject holder = j.getJsonArray("evidence").getJsonObject(0);
      assertEquals(child.pid(), holder.getInteger("pid"));
      assertEquals("LISTEN", holder.getString("state"));
    }
  }

  @Test
  void portListsTheListenerAndItsExposureOnceSampled() throws Exception {
    try (ChildListeners child = ChildListeners.start(1)) {
      int port = child.ports.getFirst();
      JsonObject j =
          Await.until(
              "tcp/" + port + " sampled with its owner",
              Duration.ofSeconds(20),
              () -> {
                JsonObject a = node.get("/api/v1/why?kind=port&port=" + port).json();
                // the owner index may meet a new socket before its holder's descriptor
                return a.getJsonArray("evidence").isEmpty()
                        || a.getJsonArray("evidence").getJsonObject(0).getInteger("pid") == null
                    ? null
                    : a;
              });

      assertEquals("loopback-only", j.getString("verdict"), j.encodePrettily());
      assertEquals(false, j.getBoolean("problem"));
      assertEquals(child.pid(), j.getJsonArray("evidence").getJsonObject(0).getInteger("pid"));
    }
  }

  @Test
  void connectToAPortNobodyListensOnIsRefusedFromTheNodesOwnTable() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    String path = "/api/v1/why?kind=connect&host=127.0.0.1&port=" + port;
    RunningNode.Reply r = node.send("GET", path, null, null, "X-Requested-With", "test");

    assertEquals(200, r.status(), r.body());
    JsonObject j = r.json();
    assertEquals("not-listening", j.getString("verdict"), j.encodePrettily());
    assertTrue(j.getString("sentence").contains("from its own table"), j.getString("sentence"));
  }

  @Test
  void connectToTheNodesOtherAddressWhereALoopbackListenerIsSaysLoopbackOnly() throws Exception {
    java.net.InetAddress outer = null;
    for (java.net.NetworkInterface nic :
        java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces())) {
      for (java.net.InetAddress a : java.util.Collections.list(nic.getInetAddresses())) {
        if (nic.isUp() && !nic.isLoopback() && a instanceof java.net.Inet4Address) {
          outer = a;
        }
      }
    }
    org.junit.jupiter.api.Assumptions.assumeTrue(outer != null, "no non-loopback IPv4 here");
    try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
      String path =
          "/api/v1/why?kind=connect&host="
              + outer.getHostAddress()
              + "&port="
              + s.getLocalPort()
              + "&timeoutMillis=1000";
      JsonObject j = null;
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      // the node's table has the listener once sampled (every 100 ms here), and its holder once
      // the owner index found it (a walk of every process is at most 10 s away)
      while (j == null
          || !"loopback-only".equals(j.getString("verdict"))
          || j.getJsonArray("evidence").getJsonObject(0).getLong("pid") == null) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("no loopback-only verdict with its holder in 30 s: " + j);
        }
        RunningNode.Reply r = node.send("GET", path, null, null, "X-Requested-With", "test");
        assertEquals(200, r.status(), r.body());
        j = r.json();
      }

      assertTrue(j.getBoolean("problem"), j.encodePrettily());
      assertTrue(
          j.getString("sentence").contains("127.0.0.1:" + s.getLocalPort()),
          j.getString("sentence"));
      assertEquals(
          ProcessHandle.current().pid(),
          j.getJsonArray("evidence").getJsonObject(0).getLong("pid"),
          j.encodePrettily());
    }
  }

  @Test
  void aConnectGetWithoutATokenOrXRequestedWithIsRefusedAsAPageElsewhereMightSendIt() {
    RunningNode.Reply r = node.get("/api/v1/why?kind=connect&host=127.0.0.1&port=9");

    assertEquals(403, r.status(), r.body());
    assertEquals("forbidden", r.json().getString("error"), r.body());
    assertTrue(r.json().getString("detail").contains("X-Requested-With"), r.body());
  }

  @Test
  void badQuestionsAre400WithErrorAndDetail() {
    for (String query :
        new String[] {
          "",
          "?kind=why",
          "?kind=bind",
          "?kind=bind&port=0",
          "?kind=bind&port=80&colour=red",
          "?kind=bind&port=80&address=db.local",
          "?kind=connect&host=x&port=80&colour=1",
          "?kind=port&port=x"
        }) {
      RunningNode.Reply r = node.get("/api/v1/why" + query);
      assertEquals(400, r.status(), query + ": " + r.body());
      assertTrue(r.json().containsKey("error") && r.json().containsKey("detail"), r.body());
    }
  }
}
