package dev.portolan.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.owner.ChildListeners;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The check page's "why?" form: its answer as an htmx fragment and as the whole page. */
class WhyPagesTest {
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
  void theCheckPageOffersTheWhyForm() {
    RunningNode.Reply page = node.get("/check");
    assertEquals(200, page.status());
    assertTrue(page.body().contains("hx-post=\"/ui/why\""), page.body());
    assertTrue(page.body().contains("id=\"why-answer\""), page.body());
  }

  @Test
  void aBindQuestionAnswersWithTheHolderAsAFragment() throws Exception {
    try (ChildListeners child = ChildListeners.start(1)) {
      int port = child.ports.getFirst();
      RunningNode.Reply r =
          node.postForm("/ui/why", "kind=bind&target=tcp%2F" + port, "HX-Request", "true");

      assertEquals(200, r.status(), r.body());
      assertTrue(r.body().startsWith("<div id=\"why-answer\" class=\"answer problem\""), r.body());
      assertTrue(r.body().contains(">in-use</strong>"), r.body());
      assertTrue(
          r.body().contains("href=\"/processes/" + RunningNode.NODE + "/" + child.pid() + "\""),
          r.body());
      assertFalse(r.body().contains("<html"), r.body());
    }
  }

  @Test
  void aConnectQuestionWithoutHtmxIsTheWholePage() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    RunningNode.Reply r = node.postForm("/ui/why", "kind=connect&target=127.0.0.1%3A" + port);

    assertEquals(200, r.status(), r.body());
    assertTrue(r.body().contains("<html"), r.body());
    assertTrue(r.body().contains(">not-listening</strong>"), r.body());
  }

  @Test
  void aBadTargetIsSaidInTheAnswer() {
    RunningNode.Reply r =
        node.postForm("/ui/why", "kind=connect&target=nocolon", "HX-Request", "true");

    assertEquals(400, r.status(), r.body());
    assertTrue(r.body().contains("class=\"answer error\""), r.body());
    assertTrue(r.body().contains("HOST:PORT"), r.body());
  }
}
