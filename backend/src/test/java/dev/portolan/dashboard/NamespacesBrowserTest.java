package dev.portolan.dashboard;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import dev.portolan.testing.PublishedPortFixture;
import dev.portolan.web.RunningNode;
import java.nio.file.Paths;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dashboard in real Chromium with a real listener inside an {@code ip netns} namespace joined
 * by a veth, and a real process named docker-proxy publishing it on the host: the port map's
 * namespace group, the connections page's namespace filter, the process page's namespace, and the
 * published port's link. The namespace's name has markup in it (names come from files anyone with
 * root on the node writes): it shows as text. Skips without root, ip or Python.
 */
class NamespacesBrowserTest extends BrowserTestBase {
  private static PublishedPortFixture published;
  private static long inode;

  @BeforeAll
  static void startTheContainer() throws Exception {
    PublishedPortFixture.assumeRootAndTools();
    published = PublishedPortFixture.start("web<i>&\"x");
    inode = published.netnsInode();
  }

  @AfterAll
  static void stopTheContainer() throws Exception {
    if (published != null) {
      published.close();
    }
  }

  private String containerCell() {
    return "#p-" + RunningNode.NODE + "-n" + inode + "-tcp-" + published.containerPort;
  }

  @Test
  void thePortMapGroupsTheNamespacesListenerAndShowsThePublishedPort() throws Exception {
    // The page is drawn once: first wait until the node has sampled the proxy's link (the proxy's
    // listener and the container's can be seen a sample apart).
    dev.portolan.web.Await.until(
        "the node to report where the proxy's listener forwards",
        java.time.Duration.ofSeconds(15),
        () -> {
          var rows =
              node.get("/api/v1/sockets?proto=tcp&port=" + published.hostPort + "&listening=true")
                  .json()
                  .getJsonArray("sockets");
          for (int i = 0; i < rows.size(); i++) {
            if (rows.getJsonObject(i).getValue("forwardsTo") != null) {
              return true;
            }
          }
          return null;
        });
    page.navigate(url("/"));
    Locator group = page.locator("#ns-" + RunningNode.NODE + "-" + inode);
    assertThat(group).isVisible();
    assertThat(group.locator(".netns-head")).containsText("netns " + published.netns);
    assertThat(group.locator(".netns-head")).containsText("inode " + inode);
    assertThat(group.locator(".netns-kind")).hasText("named");
    assertThat(page.locator("#portmap i")).hasCount(0);
    assertThat(page.locator(containerCell())).hasClass(Pattern.compile("namespace-addresses"));
    assertThat(page.locator(containerCell() + " .proto")).containsText("netns");
    assertThat(
            page.locator(
                "#p-" + RunningNode.NODE + "-n" + inode + "-tcp-" + published.loopbackPort))
        .hasClass(Pattern.compile("loopback-only"));
    assertThat(page.locator(".netns-group .netns-kind.host")).hasText("host");
    Locator proxy = page.locator("#p-" + RunningNode.NODE + "-tcp-" + published.hostPort + " .fwd");
    assertThat(proxy)
        .hasText(
            "host 0.0.0.0:"
                + published.hostPort
                + " → container "
                + published.containerIp
                + ":"
                + published.containerPort);
    assertThat(page.locator(containerCell() + " .fwd"))
        .containsText("host 0.0.0.0:" + published.hostPort);
    page.screenshot(
        new Page.ScreenshotOptions()
            .setPath(Paths.get("target", "portmap-namespaces.png"))
            .setFullPage(true));
  }

  @Test
  void theConnectionsFilterNarrowsToTheNamespace() {
    page.navigate(url("/connections?node=" + RunningNode.NODE));
    page.selectOption("select[name=netns]", Long.toString(inode));
    page.waitForURL(Pattern.compile(".*/connections\\?.*netns=" + inode + ".*"));
    Locator results = page.locator("#results");
    assertThat(results.locator("a[href='/ports/tcp/" + published.containerPort + "']").first())
        .isVisible();
    assertThat(results.locator("td.netns").first()).hasText("netns " + published.netns);
    assertThat(results.locator("a[href='/ports/tcp/" + published.hostPort + "']")).hasCount(0);
    assertThat(page.locator("select[name=netns] option:checked"))
        .containsText("netns " + published.netns);
    assertThat(page.locator("#results i, form.filters i")).hasCount(0);
  }

  @Test
  void theProcessPageShowsItsNamespace() {
    page.navigate(url("/processes/" + RunningNode.NODE + "/" + published.containerPid()));
    assertThat(page.locator("#process-netns .netns-kind")).hasText("named");
    assertThat(page.locator("#process-netns")).containsText("netns " + published.netns);
    assertThat(page.locator("#process-netns")).containsText("inode " + inode);
    assertThat(page.locator("#process-socket-netns")).hasText("netns " + published.netns + " (1)");
    assertThat(page.locator("#process i")).hasCount(0);
  }

  @Test
  void thePortPageSaysWhereTheProxyForwards() {
    page.navigate(url("/ports/tcp/" + published.hostPort + "?node=" + RunningNode.NODE));
    assertThat(page.locator("ul.forwards"))
        .containsText(
            "host 0.0.0.0:"
                + published.hostPort
                + " → container "
                + published.containerIp
                + ":"
                + published.containerPort);
  }
}
