package dev.portolan.dashboard;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.WaitForSelectorState;
import dev.portolan.web.RunningNode;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Paths;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The dashboard in Debian's Chromium (driven by Playwright) against a real node: live updates of
 * the port map without a reload, the filter form, the check form and the links to port and process
 * pages.
 */
class DashboardBrowserTest extends BrowserTestBase {
  /** A cell's id on the port map: its node, proto and port. */
  private static final String CELL = "#p-" + RunningNode.NODE + "-tcp-";

  @Test
  void aNewListenerAppearsOnThePortMapWithoutAReloadAndGoesWhenClosed() throws Exception {
    page.navigate(url("/"));
    page.waitForSelector("#portmap");
    int port;
    try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      port = server.getLocalPort();
      page.waitForSelector(CELL + port);
      assertThat(page.locator(CELL + port)).hasClass(Pattern.compile("loopback-only"));
      assertThat(page.locator("#feed a[href='/ports/tcp/" + port + "']").first()).isVisible();
      page.screenshot(
          new Page.ScreenshotOptions()
              .setPath(Paths.get("target", "portmap.png"))
              .setFullPage(true));
    }
    page.waitForSelector(
        CELL + port, new Page.WaitForSelectorOptions().setState(WaitForSelectorState.DETACHED));
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
      page.waitForSelector(CELL + port); // the node has sampled it: now the check must see it
      page.fill(".check-form input[name=port]", String.valueOf(port));
      page.click(".check-form button[type=submit]");
      assertThat(page.locator("#check-answer"))
          .containsText("tcp/" + port + " is listening on loopback only");
    }
  }

  @Test
  void aCellLinksToThePortPageWhichLinksToTheProcessPage() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      int port = server.getLocalPort();
      long pid = ProcessHandle.current().pid();
      page.navigate(url("/"));
      assertThat(page.locator(CELL + port + " .proc")).containsText("java");
      page.click(CELL + port);
      page.waitForURL(Pattern.compile(".*/ports/tcp/" + port + "\\?node=" + RunningNode.NODE));
      assertThat(page.locator("h1")).containsText("tcp/" + port);
      page.locator("a[href='/processes/" + RunningNode.NODE + "/" + pid + "']").first().click();
      page.waitForURL(Pattern.compile(".*/processes/" + RunningNode.NODE + "/" + pid));
      assertThat(page.locator("#process h1")).containsText("pid " + pid);
    }
  }
}
