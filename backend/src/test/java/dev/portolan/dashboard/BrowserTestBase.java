package dev.portolan.dashboard;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import dev.portolan.web.RunningNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A real node and Debian's Chromium (driven by Playwright) per test class, a fresh page per test, and a
 * screenshot in {@code backend/target/} when a test fails. Skips with the reason when Chromium is missing.
 */
abstract class BrowserTestBase {
  private static final Path CHROMIUM = Paths.get("/usr/bin/chromium");
  static final double TIMEOUT = 15_000;
  static RunningNode node;
  private static Playwright playwright;
  private static Browser browser;
  Page page;

  @RegisterExtension
  final ScreenshotOnFailure screenshots = new ScreenshotOnFailure(() -> page);

  @BeforeAll
  static void startNodeAndBrowser() throws Exception {
    assumeTrue(Files.isExecutable(CHROMIUM), "browser tests need Chromium at " + CHROMIUM
        + " (apt-get install chromium; .ci/run installs it)");
    node = RunningNode.start();
    playwright = Playwright.create();
    browser = playwright.chromium().launch(new BrowserType.LaunchOptions().setExecutablePath(CHROMIUM)
        .setArgs(List.of("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update")));
  }

  @AfterAll
  static void stopNodeAndBrowser() throws Exception {
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
  void openPage() {
    page = browser.newPage(new Browser.NewPageOptions().setViewportSize(1280, 900));
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
