package dev.portolan.dashboard;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.Page;
import dev.portolan.web.Await;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The audit log and the connections table measured in Chromium at a desktop width (1280 px) and a
 * phone's (390 px): no value (a time, an address, a node) broken over lines, nothing cut off or
 * scrolled out sideways, and on the phone each row a compact card. Screenshots go to {@code
 * backend/target/}.
 */
class LayoutBrowserTest extends BrowserTestBase {
  private static final int PHONE = 390;

  /**
   * Counts the lines each matched element's text takes (rects of its contents whose tops differ by
   * more than a few pixels: a monospace and a proportional font on one line differ by one or two).
   */
  private static final String LINES =
      """
      el => {
        const r = document.createRange();
        r.selectNodeContents(el);
        const tops = [...r.getClientRects()].filter(b => b.width > 0).map(b => b.top).sort((a, b) => a - b);
        let lines = 0, last = -1e9;
        for (const t of tops) { if (t - last > 6) { lines++; last = t; } }
        return lines;
      }
      """;

  /** "selector → text: lines" for every element of {@code selector} whose text takes 2+ lines. */
  @SuppressWarnings("unchecked")
  private List<String> broken(String selector) {
    return (List<String>)
        page.evalOnSelectorAll(
            selector,
            "els => { const f = "
                + LINES
                + "; return els.filter(e => e.textContent.trim() && f(e) > 1).map(e =>"
                + " e.className + ' \"' + e.textContent.trim() + '\": ' + f(e) + ' lines'); }");
  }

  @SuppressWarnings("unchecked")
  private void assertNoSidewaysScroll(String wrap) {
    Map<String, Object> m =
        (Map<String, Object>)
            page.evalOnSelectorAll(
                wrap,
                "els => ({scroll: Math.max(...els.map(e => e.scrollWidth - e.clientWidth)),"
                    + " page: document.documentElement.scrollWidth - window.innerWidth})");
    assertTrue(((Number) m.get("scroll")).intValue() <= 1, wrap + " scrolls sideways: " + m);
    assertTrue(((Number) m.get("page")).intValue() <= 0, "the page scrolls sideways: " + m);
  }

  private void screenshot(String name) {
    page.screenshot(new Page.ScreenshotOptions().setPath(Paths.get("target", name)));
  }

  @Test
  void theAuditLogKeepsValuesWholeOnADesktopAndShowsEveryValueOnAPhone() throws Exception {
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
                  new JsonObject().put("target", "203.0.113.44").put("ports", "443,8443,9000-9100"))
              .status());
    }
    page.navigate(url("/audit"));
    assertThat(page.locator("tr.audit-row")).hasCount(2);
    screenshot("audit-1280.png");
    // a list of ports may break between its items, never inside one
    assertEquals(
        List.of(),
        broken(
            "td.audit-when, td.audit-from, td.audit-node, td.audit-target, td.audit-ports .whole,"
                + " td.audit-kind, td.audit-user"),
        "values broken over lines at 1280 px");
    assertNoSidewaysScroll(".table-wrap");

    page.setViewportSize(PHONE, 900);
    page.reload();
    assertThat(page.locator("tr.audit-row")).hasCount(2);
    screenshot("audit-390.png");
    assertNoSidewaysScroll(".table-wrap");
    // every value of every row is on the screen, none cut off at its edge
    @SuppressWarnings("unchecked")
    List<String> outside =
        (List<String>)
            page.evalOnSelectorAll(
                "tr.audit-row td",
                "els => els.filter(e => e.textContent.trim()).filter(e => { const b ="
                    + " e.getBoundingClientRect(); return b.width === 0 || b.left < 0 || b.right >"
                    + " window.innerWidth; }).map(e => e.className + ': ' + e.textContent.trim())");
    assertEquals(List.of(), outside, "values not shown whole at 390 px");
    assertEquals(
        List.of(),
        broken("td.audit-when, td.audit-from, td.audit-node, td.audit-kind"),
        "values broken over lines at 390 px");
  }

  @Test
  void twoHundredConnectionsOnAPhoneAreCompactCardsWithWholeAddresses() throws Exception {
    List<Socket> sockets = new ArrayList<>();
    try (ServerSocket listener = new ServerSocket(0, 200, InetAddress.getByName("127.0.0.1"))) {
      int port = listener.getLocalPort();
      for (int i = 0; i < 110; i++) {
        sockets.add(new Socket(InetAddress.getByName("127.0.0.1"), port));
        sockets.add(listener.accept());
      }
      Await.until(
          "the node has sampled the 220 connections",
          Duration.ofSeconds(15),
          () ->
              node.get("/api/v1/sockets?port=" + port + "&limit=1").json().getInteger("matched")
                      > 220
                  ? true
                  : null);
      page.setViewportSize(PHONE, 900);
      page.navigate(url("/connections?port=" + port));
      assertThat(page.locator("table.fleet tbody tr")).hasCount(200);
      page.locator("table.fleet tbody tr").nth(0).scrollIntoViewIfNeeded();
      screenshot("connections-390.png");
      assertTrue(
          ((Number)
                      page.evalOnSelector(
                          "table.fleet thead", "h => h.getBoundingClientRect().height"))
                  .doubleValue()
              <= 1,
          "the column heads are for screen readers only");
      assertNoSidewaysScroll(".table-wrap");
      assertEquals(List.of(), broken("table.fleet td.addr"), "addresses broken over lines");
      @SuppressWarnings("unchecked")
      List<Number> heights =
          (List<Number>)
              page.evalOnSelectorAll(
                  "table.fleet tbody tr",
                  "rows => rows.map(r => r.getBoundingClientRect().height)");
      double tallest = heights.stream().mapToDouble(Number::doubleValue).max().orElseThrow();
      double total = heights.stream().mapToDouble(Number::doubleValue).sum();
      System.out.printf(
          "200 connection cards at 390 px: tallest %.1f px, %.0f px in all%n", tallest, total);
      // at most three lines (the addresses, which a long IPv6 pair takes two of, and the rest) and
      // the padding; the table took 110 px a row before, 22,000 px for 200 rows
      assertTrue(tallest <= 64, "a card is " + tallest + " px tall");
      assertTrue(total <= 200 * 64, "200 cards are " + total + " px tall");

      page.setViewportSize(1280, 900);
      screenshot("connections-1280.png");
      assertTrue(
          ((Number)
                      page.evalOnSelector(
                          "table.fleet thead", "h => h.getBoundingClientRect().height"))
                  .doubleValue()
              > 10,
          "the column heads are back on a desktop");
      assertEquals(List.of(), broken("table.fleet td.addr"), "addresses broken at 1280 px");
    } finally {
      for (Socket s : sockets) {
        s.close();
      }
    }
  }
}
