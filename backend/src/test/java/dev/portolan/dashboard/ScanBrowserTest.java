package dev.portolan.dashboard;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.microsoft.playwright.Page;
import dev.portolan.web.FullBacklogListener;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.nio.file.Paths;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Scans and the exposure view in Debian's Chromium against a real node. Every scan covers only
 * ports the test opened or reserved.
 */
class ScanBrowserTest extends BrowserTestBase {
  private static int closedPort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    }
  }

  @Test
  void aScanStartedFromTheFormShowsLiveProgressToOneHundredPercentAndTheOpenPorts()
      throws Exception {
    try (ServerSocket a = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        ServerSocket b = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        FullBacklogListener slow = new FullBacklogListener()) {
      int closed = closedPort();
      page.navigate(url("/scans"));
      page.fill(".scan-form input[name=target]", "127.0.0.1");
      page.fill(
          ".scan-form input[name=ports]",
          a.getLocalPort() + "," + b.getLocalPort() + "," + closed + "," + slow.port());
      page.selectOption(".scan-form select[name=preset]", "polite");
      page.click(".scan-form button[type=submit]");
      page.waitForURL(Pattern.compile(".*/scans/[0-9a-f]{12}$"));
      // The slow port keeps the scan running for seconds: the open ports arrive as live rows
      // meanwhile.
      assertThat(page.locator("#scan-ports")).containsText(String.valueOf(a.getLocalPort()));
      assertThat(page.locator("#scan-ports")).containsText(String.valueOf(b.getLocalPort()));
      assertThat(page.locator("#scan-progress")).hasAttribute("value", "100");
      assertThat(page.locator("#scan-state")).hasText("completed");
      assertThat(page.locator("#scan-summary"))
          .containsText("Completed: 2 open, 1 filtered, 1 closed");
      page.screenshot(
          new Page.ScreenshotOptions().setPath(Paths.get("target", "scan.png")).setFullPage(true));

      page.navigate(url("/scans"));
      assertThat(page.locator("table.scans")).containsText("completed");
    }
  }

  @Test
  void aRunningScanCanBeCancelledFromItsPage() throws Exception {
    try (FullBacklogListener slow = new FullBacklogListener()) {
      page.navigate(url("/scans"));
      page.fill(".scan-form input[name=target]", "127.0.0.1");
      page.fill(".scan-form input[name=ports]", String.valueOf(slow.port()));
      page.selectOption(".scan-form select[name=preset]", "polite");
      page.click(".scan-form button[type=submit]");
      page.waitForURL(Pattern.compile(".*/scans/[0-9a-f]{12}$"));
      page.click("#scan-status button:has-text('Cancel')");
      assertThat(page.locator("#scan-state")).hasText("cancelled");
      assertThat(page.locator("#scan-progress")).hasAttribute("value", "100");
    }
  }

  @Test
  void aTargetOutsideThePolicyIsRefusedWithTheReason() {
    page.navigate(url("/scans"));
    page.fill(".scan-form input[name=target]", "10.1.2.3");
    page.fill(".scan-form input[name=ports]", "80");
    page.click(".scan-form button[type=submit]");
    assertThat(page.locator("#scan-area")).containsText("Target not allowed");
    assertThat(page.locator("#scan-area")).containsText("scanAllow");
  }

  @Test
  void theExposurePictureSeparatesLoopbackOnlyFromReachableListeners() throws Exception {
    assumeTrue(
        hasNonLoopbackIpv4(),
        "the exposure view scans the node's own addresses, and this host has none but loopback");
    try (ServerSocket inside = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        ServerSocket both = new ServerSocket(0, 50, InetAddress.getByName("0.0.0.0"))) {
      // Wait until the node has sampled both listeners: the picture is drawn from its socket table.
      for (ServerSocket s : List.of(inside, both)) {
        dev.portolan.web.Await.until(
            "the node has sampled tcp/" + s.getLocalPort(),
            java.time.Duration.ofSeconds(10),
            () ->
                node.get("/api/v1/owners?sockets=true&proto=tcp&port=" + s.getLocalPort())
                    .json()
                    .getBoolean("listening"));
      }
      page.navigate(url("/exposure"));
      page.fill("input[name=ports]", inside.getLocalPort() + "," + both.getLocalPort());
      page.click("#main form button[type=submit]");
      page.waitForURL(
          Pattern.compile(
              ".*/exposure\\?node=" + dev.portolan.web.RunningNode.NODE + "&scan=[0-9a-f]{12}$"));
      assertThat(page.locator(".venn text.reachable")).hasText(String.valueOf(both.getLocalPort()));
      assertThat(page.locator(".venn text.not-reachable"))
          .hasText(String.valueOf(inside.getLocalPort()));
      assertThat(page.locator("tr[data-port='" + inside.getLocalPort() + "']"))
          .containsText("bound to loopback only");
      page.screenshot(
          new Page.ScreenshotOptions()
              .setPath(Paths.get("target", "exposure.png"))
              .setFullPage(true));
    }
  }

  private static boolean hasNonLoopbackIpv4() throws Exception {
    for (NetworkInterface nic :
        java.util.Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (nic.isUp() && !nic.isLoopback()) {
        for (InetAddress a : java.util.Collections.list(nic.getInetAddresses())) {
          if (a instanceof Inet4Address) {
            return true;
          }
        }
      }
    }
    return false;
  }
}
