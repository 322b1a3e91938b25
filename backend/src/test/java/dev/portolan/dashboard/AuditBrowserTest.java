package dev.portolan.dashboard;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.microsoft.playwright.Locator;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/**
 * The audit page in Debian's Chromium against one real node: linked from the nav, and a check
 * started elsewhere appears in the open page's table without a reload; the filters narrow it.
 * Connections go only to a listener the test opened; 203.0.113.44 is refused by the node's policy
 * before anything is sent.
 */
class AuditBrowserTest extends BrowserTestBase {
  @Test
  void newEntriesAppearInTheOpenPageAndTheFiltersNarrowIt() throws Exception {
    page.navigate(url("/"));
    page.click("nav a:has-text('Audit log')");
    assertThat(page.locator("h1#audit-h")).hasText("Audit log");
    assertThat(page.locator("nav a[aria-current=page]")).hasText("Audit log");

    try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
      int port = listener.getLocalPort();
      assertEquals(
          200,
          node.postJson(
                  "/api/v1/connectivity",
                  new JsonObject().put("host", "127.0.0.1").put("port", port))
              .status());
      assertEquals(
          403,
          node.postJson(
                  "/api/v1/scans",
                  new JsonObject().put("target", "203.0.113.44").put("ports", "443"))
              .status());

      Locator check =
          page.locator(
              "tr.audit-row[data-kind=connectivity]",
              new com.microsoft.playwright.Page.LocatorOptions().setHasText(String.valueOf(port)));
      assertThat(check).hasCount(1);
      assertThat(check.locator(".audit-result")).containsText("connected");
      assertThat(check.locator(".audit-user")).hasText("anonymous");
      Locator refused =
          page.locator(
              "tr.audit-row.refused",
              new com.microsoft.playwright.Page.LocatorOptions().setHasText("203.0.113.44"));
      assertThat(refused.locator(".audit-reason")).containsText("target not allowed");

      page.selectOption(".audit-filters select[name=outcome]", "refused");
      assertThat(check).hasCount(0);
      assertThat(refused).hasCount(1);
      page.waitForURL(url("/audit?user=&kind=&node=&outcome=refused"));
    }
  }
}
