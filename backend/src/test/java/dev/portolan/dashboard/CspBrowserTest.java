package dev.portolan.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.options.LoadState;
import dev.portolan.web.RunningNode;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every dashboard page in Chromium under the Content-Security-Policy (scripts and styles from the
 * node only, no inline script or style, no eval): the browser reports any violation on the console,
 * and there must be none.
 */
class CspBrowserTest extends BrowserTestBase {

  @Test
  void noPageBreaksTheContentSecurityPolicy() throws Exception {
    List<String> violations = new ArrayList<>();
    page.onConsoleMessage(
        m -> {
          if (m.text().contains("Content Security Policy") || m.text().contains("Refused to")) {
            violations.add(page.url() + ": " + m.text());
          }
        });
    page.onPageError(e -> violations.add(page.url() + ": page error " + e));
    try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      int port = server.getLocalPort();
      long pid = ProcessHandle.current().pid();
      page.navigate(url("/"));
      page.waitForSelector("#p-" + RunningNode.NODE + "-tcp-" + port);
      List<String> pages =
          List.of(
              "/",
              "/nodes",
              "/nodes/" + RunningNode.NODE,
              "/search?q=java",
              "/connections?node=" + RunningNode.NODE,
              "/connections",
              "/check?proto=tcp&port=" + port,
              "/scans",
              "/exposure",
              "/reachability",
              "/ports/tcp/" + port,
              "/processes/" + RunningNode.NODE + "/" + pid);
      for (String path : pages) {
        page.navigate(url(path));
        page.waitForLoadState(LoadState.LOAD);
        assertTrue(page.locator("main").count() == 1, path + " rendered");
      }
      // htmx at work under the policy: a post (CSRF header), a swap, the indicator
      page.navigate(url("/scans"));
      page.fill(".scan-form input[name=target]", "127.0.0.1");
      page.fill(".scan-form input[name=ports]", String.valueOf(port));
      page.click(".scan-form button[type=submit]");
      page.waitForSelector("#scan-summary");
      page.navigate(url("/reachability"));
      page.fill(".reach-form input[name=host]", "127.0.0.1");
      page.fill(".reach-form input[name=port]", String.valueOf(port));
      page.click(".reach-form button[type=submit]");
      page.waitForSelector("#reach-result table, #reach-result .answer");
    }
    assertEquals(List.of(), violations);
  }
}
