package dev.portolan.dashboard;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.Page;
import dev.portolan.web.RunningNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A real node and Debian's Chromium (driven by Playwright) per test class, a fresh page per test,
 * and a screenshot in {@code backend/target/} when a test fails. Skips with the reason when
 * Chromium is missing.
 */
abstract class BrowserTestBase {
  static final double TIMEOUT = 15_000;
  static RunningNode node;
  private static Chromium chromium;
  Page page;

  @RegisterExtension final ScreenshotOnFailure screenshots = new ScreenshotOnFailure(() -> page);

  @BeforeAll
  static void startNodeAndBrowser() throws Exception {
    Chromium.assumeInstalled();
    node = RunningNode.start();
    chromium = Chromium.launch();
  }

  @AfterAll
  static void stopNodeAndBrowser() throws Exception {
    if (chromium != null) {
      chromium.close();
    }
    if (node != null) {
      node.close();
    }
  }

  @BeforeEach
  void openPage() {
    page = chromium.browser.newPage(new Browser.NewPageOptions().setViewportSize(1280, 900));
    page.setDefaultTimeout(TIMEOUT);
  }

  @AfterEach
  void closePage() {
    page.close();
  }

  String url(String path) {
    return "http://127.0.0.1:" + node.port + path;
  }
}
