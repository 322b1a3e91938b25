package dev.portolan.dashboard;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import dev.portolan.cluster.ClusterFixture;
import dev.portolan.web.Await;
import dev.portolan.web.RunningNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The fleet dashboard in Chromium against a real cluster in this JVM: a hub that samples no node of
 * its own and two agents (Hazelcast on 127.0.0.1). The agents share this host's socket table, so
 * the listener this test opens is on both. In order: both rows up, search finds the listener on
 * both nodes, junk is an error, then agent-b stops and its row turns down on the open page (over
 * SSE, no reload), and its node page shows its listeners as last seen.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FleetBrowserTest {
  private static final Duration DEADLINE = Duration.ofSeconds(30);
  private static final double PAGE_DEADLINE_MILLIS = 20_000;
  private static RunningNode hub;
  private static RunningNode agentA;
  private static RunningNode agentB;
  private static ServerSocket listener;
  private static int port;
  private static Chromium chromium;
  private Page page;

  @RegisterExtension final ScreenshotOnFailure screenshots = new ScreenshotOnFailure(() -> page);

  @BeforeAll
  static void startFleetAndBrowser() throws Exception {
    Chromium.assumeInstalled();
    ClusterFixture cluster = new ClusterFixture();
    hub = ClusterFixture.start(cluster.hub());
    agentA = ClusterFixture.start(cluster.agent("agent-a"));
    agentB = ClusterFixture.start(cluster.agent("agent-b"));
    listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    port = listener.getLocalPort();
    Await.until(
        "the listener on both agents at the hub",
        DEADLINE,
        () -> listeningOn().equals(Set.of("agent-a", "agent-b")) ? true : null);
    chromium = Chromium.launch();
  }

  @AfterAll
  static void stopAll() throws Exception {
    if (chromium != null) {
      chromium.close();
    }
    if (listener != null) {
      listener.close();
    }
    for (RunningNode n : new RunningNode[] {agentA, agentB, hub}) {
      if (n != null) {
        n.close();
      }
    }
  }

  @BeforeEach
  void openPage() {
    page = chromium.browser.newPage(new Browser.NewPageOptions().setViewportSize(1280, 900));
    page.setDefaultTimeout(15_000);
  }

  @AfterEach
  void closePage() {
    page.close();
  }

  private static Set<String> listeningOn() {
    JsonArray rows =
        hub.get("/api/v1/sockets?listening=true&local-port=" + port).json().getJsonArray("sockets");
    Set<String> nodes = new HashSet<>();
    rows.forEach(r -> nodes.add(((JsonObject) r).getString("node")));
    return nodes;
  }

  private static String url(String path) {
    return "http://127.0.0.1:" + hub.port + path;
  }

  private Locator statusOf(String node) {
    // the status badge, not the "backing off" one a node starting on a busy machine may show beside
    // it
    return page.locator(
        "#portmap tr.node-row[data-node='" + node + "'] .status-cell > .badge:first-child");
  }

  @Test
  @Order(1)
  void thePortMapHasOneRowPerNodeBothUpAndTheirMaps() {
    page.navigate(url("/"));
    assertThat(page.locator("#portmap table.nodes tbody tr.node-row")).hasCount(2);
    assertThat(statusOf("agent-a")).hasText("up");
    assertThat(statusOf("agent-b")).hasText("up");
    assertThat(page.locator(".totals")).containsText("2 nodes");
    assertThat(page.locator("#p-agent-a-tcp-" + port)).isVisible();
    assertThat(page.locator("#p-agent-b-tcp-" + port)).isVisible();
    assertThat(page.locator("#portmap tr.node-row[data-node='agent-a'] a"))
        .hasAttribute("href", "/nodes/agent-a");
    page.screenshot(new Page.ScreenshotOptions().setPath(Paths.get("target", "fleet-portmap.png")));
  }

  @Test
  @Order(2)
  void searchByPortFindsTheListenerOnBothNodes() {
    page.navigate(url("/search"));
    page.fill("input[name=q]", String.valueOf(port));
    page.click(".search-form button[type=submit]");
    page.waitForURL(Pattern.compile(".*/search\\?q=" + port + "$"));
    for (String node : new String[] {"agent-a", "agent-b"}) {
      Locator row =
          page.locator(
              "#search-results tr[data-node='" + node + "']",
              new Page.LocatorOptions().setHasText(":" + port));
      assertThat(row.first()).isVisible();
      assertThat(row.first().locator("td.seen")).hasText("live");
    }
    assertThat(page.locator("#search-results .matched"))
        .containsText("port " + port + ", local or remote");
  }

  @Test
  @Order(3)
  void searchWithJunkSaysWhatIsWrong() {
    page.navigate(url("/search"));
    page.fill("input[name=q]", "tcp/99999");
    page.click(".search-form button[type=submit]");
    assertThat(page.locator("#search-results .answer.error"))
        .containsText("'tcp/99999' is not a port");
    assertThat(page.locator("#search-results .answer.error")).containsText("65535");
  }

  @Test
  @Order(4)
  void aStoppedAgentTurnsDownOnTheOpenPageWithoutAReload() throws Exception {
    int clients = hub.get("/health").json().getInteger("sseClients");
    page.navigate(url("/"));
    assertThat(statusOf("agent-b")).hasText("up");
    Await.until(
        "the page's live feed connected",
        DEADLINE,
        () -> hub.get("/health").json().getInteger("sseClients") > clients ? true : null);
    page.evaluate("window.portolanNotReloaded = true");
    agentB.close();
    agentB = null;
    // The 5 s bound itself is asserted where nothing but the cluster is timed (ClusterFleetTest,
    // NetnsFleetTest);
    // here a loaded CI machine also has to re-render the page in Chromium, so the deadline is
    // wider.
    page.waitForSelector(
        "#portmap tr.node-row[data-node='agent-b'] .badge.down",
        new Page.WaitForSelectorOptions().setTimeout(PAGE_DEADLINE_MILLIS));
    assertEquals(
        Boolean.TRUE,
        page.evaluate("window.portolanNotReloaded === true"),
        "the same page, not a reload");
    assertThat(statusOf("agent-a")).hasText("up");
    assertThat(page.locator("article.node.down[data-node='agent-b']")).containsText("last seen");
    assertThat(page.locator(".totals")).containsText("1 down");
  }

  @Test
  @Order(5)
  void theDownNodesPageShowsItsLastSeenListenersGreyed() {
    page.navigate(url("/nodes/agent-b"));
    assertThat(page.locator("#node h1 .badge")).hasText("down");
    Locator map = page.locator("#node article.node.down[data-node='agent-b']");
    assertThat(map.locator(".node-head .badge")).containsText("last seen");
    Locator cell = map.locator("#p-agent-b-tcp-" + port);
    assertThat(cell).isVisible();
    assertThat(cell).hasAttribute("title", Pattern.compile("\\(last seen\\)$"));
    Object filter = cell.evaluate("c => getComputedStyle(c).filter");
    assertTrue(String.valueOf(filter).contains("grayscale"), "greyed: " + filter);
    page.screenshot(
        new Page.ScreenshotOptions().setPath(Paths.get("target", "fleet-node-down.png")));
    assertEquals(
        503,
        hub.get("/processes/agent-b/" + ProcessHandle.current().pid()).status(),
        "a down node cannot show a process: a 503 page, not a 500");
  }
}
