package dev.portolan.dashboard;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import dev.portolan.web.AccessFixture;
import dev.portolan.web.Await;
import dev.portolan.web.RunningNode;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every dashboard page, with content (a finished scan, an exposure picture where the host has an
 * address beside loopback, a check's and a reachability's answers, audit rows), checked by axe-core
 * in Chromium at a desktop width (1280 px) and a phone's (390 px): zero violations. The node
 * requires logging in, so the login page is checked too; the test logs in as an admin. Scans cover
 * only a port the test opened.
 */
class AccessibilityBrowserTest {
  @TempDir static Path dir;
  static RunningNode node;
  static Chromium chromium;
  static ServerSocket listener;
  static String session;
  static String scanPath;
  static String exposurePath;
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
    listener = new ServerSocket(0, 50, InetAddress.getByName("0.0.0.0"));
    Await.until(
        "the node has sampled tcp/" + listener.getLocalPort(),
        Duration.ofSeconds(10),
        () -> portListed(listener.getLocalPort()));
  }

  private static boolean portListed(int port) {
    RunningNode.Reply r =
        node.send("GET", "/api/v1/owners?proto=tcp&port=" + port, null, null, "Cookie", session());
    return r.status() == 200 && r.json().getBoolean("listening");
  }

  private static String session() {
    if (session == null) {
      session = AccessFixture.login(node, AccessFixture.ADMIN);
    }
    return session;
  }

  @AfterAll
  static void stop() throws Exception {
    if (listener != null) {
      listener.close();
    }
    if (chromium != null) {
      chromium.close();
    }
    if (node != null) {
      node.close();
    }
  }

  @AfterEach
  void close() {
    if (context != null) {
      context.close();
    }
  }

  private void open(int width) {
    context =
        chromium.browser.newContext(
            new Browser.NewContextOptions().setViewportSize(width, 900).setBypassCSP(true));
    page = context.newPage();
    page.setDefaultTimeout(15_000);
  }

  private String url(String path) {
    return "http://127.0.0.1:" + node.port + path;
  }

  @ParameterizedTest(name = "{0} px")
  @ValueSource(ints = {1280, 390})
  void everyPageHasNoViolations(int width) throws Exception {
    open(width);
    List<String> found = new ArrayList<>();
    page.navigate(url("/login"));
    check("/login", found);
    page.fill("input[name=username]", AccessFixture.ADMIN);
    page.fill("input[name=password]", AccessFixture.password(AccessFixture.ADMIN));
    page.click(".login-form button[type=submit]");
    page.waitForURL(Pattern.compile(".*127\\.0\\.0\\.1:[0-9]+/$"));
    int port = listener.getLocalPort();
    long pid = ProcessHandle.current().pid();
    for (String path :
        List.of(
            "/",
            "/nodes",
            "/nodes/" + RunningNode.NODE,
            "/search?q=java",
            "/connections",
            "/ports/tcp/" + port + "?node=" + RunningNode.NODE,
            "/processes/" + RunningNode.NODE + "/" + pid,
            "/scans",
            "/exposure")) {
      page.navigate(url(path));
      check(path, found);
    }

    page.navigate(url("/check"));
    page.fill(".check-form input[name=port]", String.valueOf(port));
    page.click(".check-form button[type=submit]");
    assertThat(page.locator("#check-answer")).containsText("tcp/" + port);
    check("/check with an answer", found);

    page.navigate(url("/reachability"));
    check("/reachability", found);
    page.fill(".reach-form input[name=host]", "127.0.0.1");
    page.fill(".reach-form input[name=port]", String.valueOf(port));
    page.click(".reach-form button[type=submit]");
    assertThat(page.locator("tr.reach-row .reach-status")).hasText("connected");
    check("/reachability with an answer", found);

    page.navigate(url(scanPath()));
    assertThat(page.locator("#scan-state")).hasText("completed");
    check("a finished scan", found);

    if (hasNonLoopbackIpv4()) {
      page.navigate(url(exposurePath()));
      assertThat(page.locator(".venn")).isVisible();
      check("an exposure picture", found);
    }

    page.navigate(url("/audit"));
    assertThat(page.locator("tr.audit-row").first()).isVisible();
    check("/audit", found);

    assertEquals(List.of(), found, "axe-core violations at " + width + " px");
  }

  /** The scan page of a finished scan of the test's listener (started once, from the form). */
  private String scanPath() {
    if (scanPath == null) {
      page.navigate(url("/scans"));
      page.fill(".scan-form input[name=target]", "127.0.0.1");
      page.fill(".scan-form input[name=ports]", String.valueOf(listener.getLocalPort()));
      page.click(".scan-form button[type=submit]");
      page.waitForURL(Pattern.compile(".*/scans/[0-9a-f]{12}$"));
      scanPath = page.url().replaceFirst("^https?://[^/]+", "");
    }
    return scanPath;
  }

  /** The exposure picture of the test's listener (scanned once, from the form). */
  private String exposurePath() {
    if (exposurePath == null) {
      page.navigate(url("/exposure"));
      page.fill("input[name=ports]", String.valueOf(listener.getLocalPort()));
      page.click("#main form button[type=submit]");
      page.waitForURL(Pattern.compile(".*/exposure\\?node=.*&scan=[0-9a-f]{12}$"));
      assertThat(page.locator(".venn")).isVisible();
      exposurePath = page.url().replaceFirst("^https?://[^/]+", "");
    }
    return exposurePath;
  }

  private void check(String what, List<String> found) {
    page.waitForLoadState();
    for (String v : Axe.violations(page)) {
      found.add(what + ": " + v);
    }
  }

  private static boolean hasNonLoopbackIpv4() throws Exception {
    for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (nic.isUp() && !nic.isLoopback()) {
        for (InetAddress a : Collections.list(nic.getInetAddresses())) {
          if (a instanceof Inet4Address) {
            return true;
          }
        }
      }
    }
    return false;
  }
}
