package dev.portolan.dashboard;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import dev.portolan.cluster.ClusterFixture;
import dev.portolan.web.Await;
import dev.portolan.web.RunningNode;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The dashboard of a hub that samples no node of its own, with two agents, in one JVM (a real
 * Hazelcast cluster), in Debian's Chromium driven by Playwright as {@link BrowserTestBase} does:
 * the reachability matrix has a row per agent, and a scan starts from the node chosen. Only
 * listeners the test opened and ports it reserved are probed.
 */
class ClusterBrowserTest {
  private static final Set<String> AGENTS = Set.of("agent-a", "agent-b");
  private static final List<RunningNode> NODES = new java.util.ArrayList<>();
  private static RunningNode hub;
  private static Chromium chromium;
  private Page page;

  @RegisterExtension final ScreenshotOnFailure screenshots = new ScreenshotOnFailure(() -> page);

  @BeforeAll
  static void startClusterAndBrowser() throws Exception {
    Chromium.assumeInstalled();
    ClusterFixture cluster = new ClusterFixture();
    hub = ClusterFixture.start(cluster.hub());
    NODES.add(hub);
    for (String agent : AGENTS) {
      NODES.add(ClusterFixture.start(cluster.agent(agent)));
    }
    Await.until(
        "both agents up and synced at the hub",
        Duration.ofSeconds(30),
        () -> ClusterFixture.upAndSynced(hub, AGENTS));
    chromium = Chromium.launch();
  }

  @AfterAll
  static void stopClusterAndBrowser() throws Exception {
    if (chromium != null) {
      chromium.close();
    }
    for (RunningNode n : NODES.reversed()) {
      n.close();
    }
    NODES.clear();
  }

  @BeforeEach
  void openPage() {
    page = chromium.browser.newPage(new Browser.NewPageOptions().setViewportSize(1280, 900));
    page.setDefaultTimeout(BrowserTestBase.TIMEOUT);
  }

  @AfterEach
  void closePage() {
    page.close();
  }

  private String url(String path) {
    return "http://127.0.0.1:" + hub.port + path;
  }

  @Test
  void theMatrixHasARowPerAgent() throws Exception {
    try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
      page.navigate(url("/reachability"));
      page.fill(".reach-form input[name=host]", "127.0.0.1");
      page.fill(".reach-form input[name=port]", String.valueOf(listener.getLocalPort()));
      page.click(".reach-form button[type=submit]");
      assertThat(page.locator("#reach-summary")).hasText("Reachable from all 2 nodes.");
      Locator rows = page.locator("tr.reach-row");
      assertThat(rows).hasCount(2);
      assertThat(rows.nth(0).locator("th")).hasText("agent-a");
      assertThat(rows.nth(1).locator("th")).hasText("agent-b");
      for (int i = 0; i < 2; i++) {
        assertThat(rows.nth(i).locator(".reach-status")).hasText("connected");
      }
      page.screenshot(
          new Page.ScreenshotOptions()
              .setPath(Paths.get("target", "reachability-cluster.png"))
              .setFullPage(true));
    }
  }

  @Test
  void aScanStartsFromTheNodeChosenAndCompletesThere() throws Exception {
    try (ServerSocket a = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
      int closed;
      try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
        closed = s.getLocalPort();
      }
      page.navigate(url("/scans"));
      assertThat(page.locator(".scan-form select[name=node]")).hasValue("agent-a");
      page.selectOption(".scan-form select[name=node]", "agent-b");
      page.fill(".scan-form input[name=target]", "127.0.0.1");
      page.fill(".scan-form input[name=ports]", a.getLocalPort() + "," + closed);
      page.click(".scan-form button[type=submit]");
      page.waitForURL(Pattern.compile(".*/scans/[0-9a-f]{12}$"));
      assertThat(page.locator("#scan-node")).hasText("agent-b");
      assertThat(page.locator("#scan-state")).hasText("completed");
      assertThat(page.locator("#scan-summary")).containsText("Completed: 1 open, 1 closed");
      assertThat(page.locator("#scan-ports")).containsText(String.valueOf(a.getLocalPort()));
      String scanUrl = page.url();

      page.navigate(url("/scans"));
      Locator row =
          page.locator(
              "table.scans tr",
              new Page.LocatorOptions()
                  .setHas(
                      page.locator(
                          "a[href='" + scanUrl.substring(scanUrl.indexOf("/scans/")) + "']")));
      assertThat(row.locator("td.scan-node")).hasText("agent-b");
      assertThat(row).containsText("completed");

      // Reloading the scan's page finds it on agent-b again.
      page.navigate(scanUrl);
      assertThat(page.locator("#scan-node")).hasText("agent-b");
      assertThat(page.locator("#scan-state")).hasText("completed");
    }
  }

  @Test
  void theCheckFormConnectsFromTheNodeChosen() throws Exception {
    try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
      page.navigate(url("/check"));
      Locator from = page.locator(".connect-form select[name=node]");
      assertThat(from.locator("option")).hasCount(2);
      from.selectOption("agent-b");
      page.fill(".connect-form input[name=host]", "127.0.0.1");
      page.fill(".connect-form input[name=port]", String.valueOf(listener.getLocalPort()));
      page.click(".connect-form button[type=submit]");
      assertThat(page.locator("#connect-answer")).hasClass(Pattern.compile(".*\\bconnected\\b.*"));
      assertThat(page.locator("#connect-answer")).containsText("From agent-b");
    }
  }
}
