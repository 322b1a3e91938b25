package dev.portolan.dashboard;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import com.microsoft.playwright.Locator;
import dev.portolan.web.RunningNode;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The reachability page in Debian's Chromium against one real node: the form, the matrix's row, the
 * pushed link. Connections go only to a listener the test opened and a port it reserved;
 * 203.0.113.9 is refused by the node's policy before anything is sent.
 */
class ReachabilityBrowserTest extends BrowserTestBase {
  @Test
  void theFormShowsOneRowPerNodeWithTheResultInWords() throws Exception {
    try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
      int port = listener.getLocalPort();
      page.navigate(url("/reachability"));
      page.click("nav a:has-text('Reachability')");
      page.fill(".reach-form input[name=host]", "127.0.0.1");
      page.fill(".reach-form input[name=port]", String.valueOf(port));
      page.click(".reach-form button[type=submit]");
      Locator row = page.locator("tr.reach-row[data-node='" + RunningNode.NODE + "']");
      assertThat(row.locator(".reach-status")).hasText("connected");
      assertThat(row).containsText("connected to 127.0.0.1:" + port);
      assertThat(page.locator("#reach-summary")).hasText("Reachable from the one node.");
      page.waitForURL(Pattern.compile(".*/reachability\\?host=127\\.0\\.0\\.1&port=" + port + "$"));

      int closed;
      try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
        closed = s.getLocalPort();
      }
      page.fill(".reach-form input[name=port]", String.valueOf(closed));
      page.fill(".reach-form input[name=timeout]", "1000");
      page.click(".reach-form button[type=submit]");
      assertThat(row.locator(".reach-status")).hasText("refused");
      assertThat(page.locator("#reach-summary")).hasText("Not reachable from the one node.");

      page.fill(".reach-form input[name=host]", "203.0.113.9");
      page.fill(".reach-form input[name=port]", "443");
      page.click(".reach-form button[type=submit]");
      assertThat(row.locator(".reach-status")).hasText("not allowed");
      assertThat(row).containsText("not allowed by " + RunningNode.NODE + "'s policy");
      assertThat(page.locator(".reach-policy")).containsText("--scan-allow");

      // The pushed link fills in the form on a full load; a GET runs nothing, the button does.
      page.navigate(url("/reachability?host=127.0.0.1&port=" + port));
      assertThat(page.locator(".reach-form input[name=host]")).hasValue("127.0.0.1");
      assertThat(page.locator(".reach-form input[name=port]")).hasValue(String.valueOf(port));
      assertThat(row).hasCount(0);
      page.click(".reach-form button[type=submit]");
      assertThat(row.locator(".reach-status")).hasText("connected");
    }
  }

  @Test
  void badInputSaysWhatIsWrong() {
    page.navigate(url("/reachability"));
    page.fill(".reach-form input[name=host]", "10.0.0.0/8");
    page.fill(".reach-form input[name=port]", "80");
    page.click(".reach-form button[type=submit]");
    assertThat(page.locator(".reach-error")).containsText("Invalid host");
    assertThat(page.locator(".reach-error")).containsText("is a block");
  }
}
