package dev.portolan.dashboard;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import dev.portolan.web.AccessFixture;
import dev.portolan.web.RunningNode;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Logging in and out in Chromium on a node that requires it (bound to every address, reached on
 * 127.0.0.1): the redirect to the login page and back, the user and role in the header, the
 * controls of each role, an htmx post with the CSRF token in an authenticated session; and the
 * warning banner of a node run open with --insecure.
 */
class AccessBrowserTest {
  @TempDir static Path dir;
  static RunningNode node;
  static Chromium chromium;
  BrowserContext context;
  Page page;

  @RegisterExtension final ScreenshotOnFailure screenshots = new ScreenshotOnFailure(() -> page);

  @BeforeAll
  static void start() throws Exception {
    Chromium.assumeInstalled();
    node =
        RunningNode.launch(
            AccessFixture.settings(Map.of("users", AccessFixture.usersFile(dir).toString())));
    chromium = Chromium.launch();
  }

  @AfterAll
  static void stop() throws Exception {
    if (chromium != null) {
      chromium.close();
    }
    if (node != null) {
      node.close();
    }
  }

  @BeforeEach
  void open() {
    context =
        chromium.browser.newContext(new Browser.NewContextOptions().setViewportSize(1280, 900));
    page = context.newPage();
    page.setDefaultTimeout(15_000);
  }

  @AfterEach
  void close() {
    context.close();
  }

  private String url(RunningNode n, String path) {
    return "http://127.0.0.1:" + n.port + path;
  }

  private void logIn(String user, String password) {
    page.fill("input[name=username]", user);
    page.fill("input[name=password]", password);
    page.click(".login-form button[type=submit]");
  }

  @Test
  void anOperatorLogsInIsBroughtBackUsesAFormAndLogsOut() {
    page.navigate(url(node, "/check"));
    page.waitForURL(Pattern.compile(".*/login\\?then=%2Fcheck$"));
    logIn(AccessFixture.OPERATOR, AccessFixture.password(AccessFixture.OPERATOR));
    page.waitForURL(Pattern.compile(".*/check$"));
    assertThat(page.locator("#who")).containsText("otto");
    assertThat(page.locator("#who .role")).hasText("operator");
    // an htmx post in the logged-in session: the CSRF token rides in hx-headers
    page.fill(".connect-form input[name=host]", "127.0.0.1");
    page.fill(".connect-form input[name=port]", "1");
    page.click(".connect-form button[type=submit]");
    assertThat(page.locator("#connect-answer")).containsText("127.0.0.1");
    page.click(".who button[type=submit]");
    page.waitForURL(Pattern.compile(".*/login$"));
    page.navigate(url(node, "/scans"));
    page.waitForURL(Pattern.compile(".*/login\\?then=%2Fscans$"));
  }

  @Test
  void aViewerSeesNoScanFormAndAWrongPasswordIsTurnedAway() {
    page.navigate(url(node, "/login"));
    logIn(AccessFixture.VIEWER, "not the password");
    assertThat(page.locator("#login-error")).hasText("Wrong user name or password.");
    logIn(AccessFixture.VIEWER, AccessFixture.password(AccessFixture.VIEWER));
    page.waitForURL(Pattern.compile(".*127\\.0\\.0\\.1:[0-9]+/$"));
    page.navigate(url(node, "/scans"));
    assertThat(page.locator("#who .role")).hasText("viewer");
    assertThat(page.locator("#scan-form-role")).isVisible();
    assertThat(page.locator("form.scan-form")).hasCount(0);
  }

  @Test
  void aNodeRunOpenBeyondLoopbackShowsTheWarningOnEveryPage() throws Exception {
    try (RunningNode open = RunningNode.launch(AccessFixture.settings(Map.of("insecure", true)))) {
      for (String path : new String[] {"/", "/scans", "/nodes"}) {
        page.navigate(url(open, path));
        assertThat(page.locator("#insecure-banner")).containsText("without authentication");
      }
    }
  }
}
