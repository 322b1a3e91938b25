package dev.portolan.dashboard;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.options.WaitForSelectorState;
import dev.portolan.web.RunningNode;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The dashboard in Debian's Chromium (driven by Playwright) against a real node: live updates of the port map
 * without a reload, the filter form, the check form and the links to port and process pages.
 */
class DashboardBrowserTest {
  private static final Path CHROMIUM = Paths.get("/usr/bin/chromium");
  private static final double TIMEOUT = 10_000;
  private static RunningNode node;
  private static Playwright playwright;
  private static Browser browser;
  private Page page;

  @RegisterExtension
  final ScreenshotOnFailure screenshots = new ScreenshotOnFailure(() -> page);

  @BeforeAll
  static void start() throws Exception {
    assumeTrue(Files.isExecutable(CHROMIUM), "browser tests need Chromium at " + CHROMIUM
        + " (apt-get install chromium; .ci/run installs it)");
    node = RunningNode.start();
    playwright = Playwright.create();
    browser = playwright.chromium().launch(new BrowserType.LaunchOptions().setExecutablePath(CHROMIUM)
        .setArgs(List.of("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update")));
  }

  @AfterAll
  static void stop() throws Exception {
    if (browser != null) {
      browser.close();
    }
    if (playwright != null) {
      playwright.close();
    }
    if (node != null) {
      node.close();
    }
  }

  @BeforeEach
  void open() {
    page = browser.newPage(new Browser.NewPageOptions().setViewportSize(1280, 900));
    page.setDefaultTimeout(TIMEOUT);
  }

  @AfterEach
  void close() {
    page.close();
  }

  private String url(String path) {
    return "http://127.0.0.1:" + node.port + path;
  }

  @Test
  void aNewListenerAppearsOnThePortMapWithoutAReloadAndGoesWhenClosed() throws Exception {
    page.navigate(url("/"));
    page.waitForSelector("#portmap");
    int port;
    try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      port = server.getLocalPort();
      page.waitForSelector("#p-tcp-" + port);
      assertThat(page.locator("#p-tcp-" + port)).hasClass(Pattern.compile("loopback-only"));
      assertThat(page.locator("#feed a[href='/ports/tcp/" + port + "']").first()).isVisible();
      page.screenshot(new Page.ScreenshotOptions().setPath(Paths.get("target", "portmap.png")).setFullPage(true));
    }
    page.waitForSelector("#p-tcp-" + port, new Page.WaitForSelectorOptions().setState(WaitForSelectorState.DETACHED));
  }

  @Test
  void theFilterFormUpdatesTheTableAndTheUrl() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      int port = server.getLocalPort();
      page.navigate(url("/connections"));
      page.selectOption("select[name=proto]", "tcp");
      page.fill("input[name=port]", String.valueOf(port));
      page.check("input[name=listening]");
      page.click("form.filters button[type=submit]");
      page.waitForURL(Pattern.compile(".*/connections\\?.*port=" + port + ".*"));
      assertThat(page.locator("#results a[href='/ports/tcp/" + port + "']").first()).isVisible();
      assertThat(page.locator("#results")).containsText("listen");
    }
  }

  @Test
  void theCheckFormAnswersInPlainWords() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      int port = server.getLocalPort();
      page.navigate(url("/"));
      page.waitForSelector("#p-tcp-" + port); // the node has sampled it: now the check must see it
      page.fill(".check-form input[name=port]", String.valueOf(port));
      page.click(".check-form button[type=submit]");
      assertThat(page.locator("#check-answer")).containsText("tcp/" + port + " is listening on loopback only");
    }
  }

  @Test
  void aCellLinksToThePortPageWhichLinksToTheProcessPage() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      int port = server.getLocalPort();
      long pid = ProcessHandle.current().pid();
      page.navigate(url("/"));
      assertThat(page.locator("#p-tcp-" + port + " .proc")).containsText("java");
      page.click("#p-tcp-" + port);
      page.waitForURL(Pattern.compile(".*/ports/tcp/" + port));
      assertThat(page.locator("h1")).containsText("tcp/" + port);
      page.locator("a[href='/processes/" + RunningNode.NODE + "/" + pid + "']").first().click();
      page.waitForURL(Pattern.compile(".*/processes/" + RunningNode.NODE + "/" + pid));
      assertThat(page.locator("#process h1")).containsText("pid " + pid);
    }
  }
}
