package dev.portolan.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.web.Await;
import dev.portolan.web.RunningNode;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard's pages and fragments over real HTTP against a real node: status codes, fragments,
 * escaping.
 */
class DashboardPagesTest {
  private static RunningNode node;
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    node = RunningNode.start();
  }

  @AfterAll
  static void stop() throws Exception {
    node.close();
  }

  record Page(int status, String contentType, String body) {}

  private static Page get(String path, boolean htmx) {
    try {
      HttpRequest.Builder b =
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port + path))
              .timeout(Duration.ofSeconds(20));
      if (htmx) {
        b.header("HX-Request", "true");
      }
      HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new Page(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body());
    } catch (Exception e) {
      throw new AssertionError("GET " + path, e);
    }
  }

  private static void assertFullPage(Page page) {
    assertTrue(page.contentType().startsWith("text/html"), page.contentType());
    assertTrue(page.body().contains("<html"), "a full page");
    assertTrue(page.body().contains("/webjars/htmx.org/"), "htmx from the webjar");
  }

  private static void assertFragment(Page page, String id) {
    assertFalse(page.body().contains("<html"), "a fragment has no <html>: " + page.body());
    assertTrue(page.body().contains("id=\"" + id + "\""), "fragment #" + id + ": " + page.body());
  }

  @Test
  void shortLivedSocketsAreCountedByDestinationInTheirOwnPanel() throws Exception {
    String state =
        node.get("/api/v1/nodes")
            .json()
            .getJsonArray("nodes")
            .getJsonObject(0)
            .getString("shortLived");
    org.junit.jupiter.api.Assumptions.assumeTrue(
        "on".equals(state), () -> "short-lived sockets are not reported here: " + state);
    Page portMap = get("/", false);
    assertTrue(
        portMap.body().contains("hx-get=\"/ui/short-lived\""), "the port map loads the panel");
    try (java.net.DatagramSocket resolver =
        new java.net.DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      int port = resolver.getLocalPort();
      // Java's UDP sockets are dual-stack (the peer is IPv4-mapped) unless IPv4 is preferred
      String peer =
          (Boolean.getBoolean("java.net.preferIPv4Stack") ? "127.0.0.1:" : "[::ffff:127.0.0.1]:")
              + port;
      String line = "short-lived UDP to <span class=\"mono addr\">" + peer + "</span>";
      // lookups like a resolver's: a UDP socket connected to the server, one datagram, closed at
      // once (well within the node's 100 ms between samples)
      String[] last = {""};
      Page panel;
      try {
        panel =
            Await.until(
                "the panel counts the lookups to 127.0.0.1:" + port,
                Duration.ofSeconds(15),
                () -> {
                  for (int i = 0; i < 5; i++) {
                    try (java.net.DatagramSocket lookup = new java.net.DatagramSocket()) {
                      lookup.connect(InetAddress.getLoopbackAddress(), port);
                      lookup.send(new java.net.DatagramPacket(new byte[] {1}, 1));
                    } catch (java.io.IOException e) {
                      throw new java.io.UncheckedIOException(e);
                    }
                  }
                  Page p = get("/ui/short-lived", true);
                  last[0] = p.body();
                  return p.body().contains(line) ? p : null;
                });
      } catch (AssertionError e) {
        throw new AssertionError(e.getMessage() + "; the panel says: " + last[0], e);
      }
      assertFragment(panel, "short-lived");
      assertEquals(200, panel.status());
      assertTrue(
          panel
              .body()
              .matches(
                  "(?s).*<b class=\"n\">[0-9]+</b> " + java.util.regex.Pattern.quote(line) + ".*"),
          panel.body());
      assertTrue(panel.body().contains("in the last minute"), panel.body());
    }
  }

  @Test
  void portMapShowsAListenerAsACellLinkingToItsPortPage() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      int port = server.getLocalPort();
      String cell = "id=\"p-" + RunningNode.NODE + "-tcp-" + port + "\"";
      Page full =
          Await.until(
              "a cell for tcp/" + port,
              Duration.ofSeconds(10),
              () -> {
                Page p = get("/", false);
                return p.body().contains(cell) ? p : null;
              });
      assertEquals(200, full.status());
      assertFullPage(full);
      assertTrue(
          full.body().contains("href=\"/ports/tcp/" + port + "?node=" + RunningNode.NODE + "\""),
          "to its port page");
      assertTrue(
          full.body().contains("data-node=\"" + RunningNode.NODE + "\""),
          "a row in the node table");
      assertTrue(
          full.body().contains("href=\"/nodes/" + RunningNode.NODE + "\""),
          "linking to its node page");
      assertTrue(full.body().contains("sse-connect=\"/ui/events"), "live feed panel");
      Page fragment = get("/", true);
      assertEquals(200, fragment.status());
      assertFragment(fragment, "portmap");
      assertTrue(fragment.body().contains("class=\"cell loopback-only\""), "coloured by exposure");
      assertTrue(fragment.body().contains("sse:node"), "refreshed when a node goes up or down");
    }
  }

  @Test
  void nodeListAndNodePageShowTheNodeAndAnUnknownNodeIs404() {
    Page nodes = get("/nodes", false);
    assertEquals(200, nodes.status());
    assertFullPage(nodes);
    assertTrue(nodes.body().contains("data-node=\"" + RunningNode.NODE + "\""), "one row per node");
    assertFragment(get("/nodes", true), "nodes");
    Page node = get("/nodes/" + RunningNode.NODE, false);
    assertEquals(200, node.status());
    assertFullPage(node);
    assertTrue(node.body().contains("<span class=\"badge up\""), "its status");
    assertTrue(
        node.body().contains("href=\"/connections?node=" + RunningNode.NODE + "\""),
        "its connections");
    assertTrue(
        node.body().contains("sse-connect=\"/ui/events?node=" + RunningNode.NODE),
        "follows its own changes");
    assertTrue(node.body().contains("<dt>Kernel</dt>"), "facts from its heartbeat");
    assertFragment(get("/nodes/" + RunningNode.NODE, true), "node");
    Page unknown = get("/nodes/no-such-node", false);
    assertEquals(404, unknown.status());
    assertFullPage(unknown);
    assertTrue(unknown.body().contains("no node named 'no-such-node'"), unknown.body());
    assertEquals(400, get("/nodes?bogus=1", false).status());
  }

  @Test
  void searchFindsAPortAnAddressAndAProcessAndSaysWhatIsWrongWithJunk() throws Exception {
    // an address of its own in 127/8, so an address search finds it among few others
    try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.77"))) {
      int port = server.getLocalPort();
      // Java listens dual-stack: the kernel shows the socket as tcp6 on ::ffff:127.0.0.77
      String row = "127.0.0.77]:" + port + "</a>";
      Page byPort =
          Await.until(
              "the search finds tcp/" + port,
              Duration.ofSeconds(10),
              () -> {
                Page p = get("/search?q=" + port, false);
                return p.body().contains(row) ? p : null;
              });
      assertEquals(200, byPort.status());
      assertFullPage(byPort);
      assertTrue(
          byPort.body().contains("port " + port + ", local or remote"),
          "says how it read the text");
      assertTrue(
          byPort
              .body()
              .contains(
                  "href=\"/processes/"
                      + RunningNode.NODE
                      + "/"
                      + ProcessHandle.current().pid()
                      + "\""),
          "links the owner's process page");
      Page fragment = get("/search?q=" + q("tcp/" + port), true);
      assertFragment(fragment, "search-results");
      assertTrue(fragment.body().contains(row), fragment.body());
      assertFalse(
          get("/search?q=" + q("udp/" + port), true).body().contains(row), "udp is another port");
      Page address = get("/search?q=127.0.0.77", true);
      assertTrue(
          address.body().contains("address 127.0.0.77, local or remote")
              && address.body().contains(row),
          address.body());
      Page block = get("/search?q=" + q("127.0.0.64/26"), true);
      assertTrue(
          block.body().contains("addresses in 127.0.0.64/26") && block.body().contains(row),
          block.body());
      assertFalse(
          block.body().contains("127.0.0.1]:") || block.body().contains(">127.0.0.1:"),
          "only addresses in the block");
      assertTrue(
          get("/search?q=" + q("127.0.0.7*"), true).body().contains(row),
          "by the start of an address");
      assertTrue(
          get("/search?q=" + q("127.0.0.77]:" + port), true).body().contains(row), "as text");
      Page process = get("/search?q=java", true);
      assertEquals(200, process.status());
      assertTrue(
          process.body().contains("in processes, command lines")
              && process.body().contains("java ("),
          "by process name");
    }
    Page junk = get("/search?q=" + q("tcp/99999"), true);
    assertEquals(400, junk.status());
    assertFragment(junk, "search-results");
    assertTrue(junk.body().contains("is not a port"), junk.body());
    Page junkPage = get("/search?q=" + q("tcp/99999"), false);
    assertEquals(400, junkPage.status());
    assertFullPage(junkPage);
    assertTrue(get("/search?q=" + q("10.0.0.0/33"), true).body().contains("out of range"));
    assertEquals(400, get("/search?q=1.2.3.400", true).status());
    assertEquals(400, get("/search?q=22&cursor=junk", true).status());
    assertEquals(400, get("/search?q=22&bogus=1", false).status());
    Page empty = get("/search", false);
    assertEquals(200, empty.status());
    assertFalse(empty.body().contains("Sockets found"), "no search, no results");
  }

  private static String q(String text) {
    return java.net.URLEncoder.encode(text, java.nio.charset.StandardCharsets.UTF_8);
  }

  @Test
  void summaryDrawsATrendOfTcpStatesOverTheLastMinutes() throws Exception {
    Page page =
        Await.until(
            "two samples for a trend line",
            Duration.ofSeconds(10),
            () -> {
              Page p = get("/connections?node=" + RunningNode.NODE, false);
              return p.body().contains("<figure class=\"trend\">") ? p : null;
            });
    for (String state : new String[] {"established", "time-wait", "close-wait", "listen"}) {
      assertTrue(page.body().contains("<polyline class=\"trend-" + state + "\" points=\""), state);
    }
    assertTrue(page.body().contains("TCP states, last "), "captioned with its window");
    var summary =
        new io.vertx.core.json.JsonObject(
            get("/api/v1/summary?node=" + dev.portolan.web.RunningNode.NODE, false).body());
    assertTrue(summary.getJsonArray("trend").size() >= 2, "the API carries the trend too");
  }

  @Test
  void connectionsPageFiltersPagesAndSummarises() {
    Page full = get("/connections?proto=tcp&state=&port=&listening=true", false);
    assertEquals(200, full.status());
    assertFullPage(full);
    assertTrue(full.body().contains("time-wait"), "summary chart calls out TIME_WAIT");
    assertTrue(full.body().contains("close-wait"), "summary chart calls out CLOSE_WAIT");
    Page fragment = get("/connections?proto=tcp", true);
    assertEquals(200, fragment.status());
    assertFragment(fragment, "results");
    Page paged = get("/connections?limit=1", false);
    assertEquals(400, paged.status(), "unknown parameter");
    Page firstPage = get("/connections", true);
    if (firstPage.body().contains("Next page")) {
      assertTrue(firstPage.body().contains("cursor="));
    }
    assertEquals(400, get("/connections?port=70000", true).status());
    Page oneNode = get("/connections?node=" + RunningNode.NODE + "&listening=true", false);
    assertEquals(200, oneNode.status());
    assertTrue(
        oneNode.body().contains("<option value=\"" + RunningNode.NODE + "\" selected>"),
        "the node chosen");
    assertTrue(oneNode.body().contains("node " + RunningNode.NODE), "its own summary");
    assertTrue(full.body().contains("the one live node"), "the fleet's summary without a node");
    assertEquals(404, get("/connections?node=no-such-node", false).status());
    assertEquals(400, get("/connections?proto=icmp", false).status());
  }

  @Test
  void connectionsPageFiltersByNamespaceAndShowsEachRowsNamespace() throws Exception {
    String link = Files.readSymbolicLink(Path.of("/proc/self/ns/net")).toString();
    String own = link.substring(link.indexOf('[') + 1, link.indexOf(']'));
    try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      int port = server.getLocalPort();
      String base = "/connections?node=" + RunningNode.NODE + "&port=" + port + "&netns=";
      Page mine =
          Await.until(
              "the listener in the node's own namespace",
              Duration.ofSeconds(10),
              () -> {
                Page p = get(base + own, false);
                return p.body().contains("href=\"/ports/tcp/" + port + "\"") ? p : null;
              });
      assertTrue(
          mine.body().contains("<option value=\"" + own + "\" selected>host · "),
          "the own namespace offered and chosen: " + mine.body());
      assertTrue(
          mine.body().contains("<td class=\"netns\" title=\"inode " + own + "\">host</td>"),
          "the row says its namespace");
      assertEquals(
          1, mine.body().split("id=\"netns-select\"", -1).length - 1, "one select on a page");
      assertFalse(mine.body().contains("hx-swap-oob"), "nothing out of band on a whole page");
      Page other = get(base + "1", true);
      assertEquals(200, other.status());
      assertTrue(
          other.body().contains("<select id=\"netns-select\" name=\"netns\" hx-swap-oob=\"true\""),
          "a fragment brings the namespace select of the node shown along: " + other.body());
      assertTrue(other.body().contains("0 sockets match"), other.body());
      assertFalse(other.body().contains("href=\"/ports/tcp/" + port + "\""), other.body());
      Page form = get(base + "1", false);
      assertTrue(
          form.body().contains("<option value=\"1\" selected>netns 1</option>"),
          "a namespace asked for that the node does not list is still shown");
      assertEquals(400, get(base + "blue", false).status());
    }
  }

  @Test
  void portPageAnswersAndRejectsBadPorts() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      int port = server.getLocalPort();
      String processLink =
          "href=\"/processes/" + RunningNode.NODE + "/" + ProcessHandle.current().pid() + "\"";
      Page page =
          Await.until(
              "the port page links the listener to its process",
              Duration.ofSeconds(10),
              () -> {
                Page p = get("/ports/tcp/" + port, false);
                return p.body().contains("is listening") && p.body().contains(processLink)
                    ? p
                    : null;
              });
      assertEquals(200, page.status());
      assertFullPage(page);
      assertFragment(get("/ports/tcp/" + port, true), "port");
    }
    Page bad = get("/ports/tcp/70000", false);
    assertEquals(400, bad.status());
    assertTrue(bad.body().contains("65535"), bad.body());
    assertEquals(400, get("/ports/icmp/22", false).status());
    assertEquals(400, get("/ports/tcp/abc", true).status());
  }

  @Test
  void processPageShowsThisJvmAnd404sForUnknownPidOrNode() {
    long pid = ProcessHandle.current().pid();
    Page page = get("/processes/" + RunningNode.NODE + "/" + pid, false);
    assertEquals(200, page.status());
    assertFullPage(page);
    assertTrue(page.body().contains("java"), "process name");
    String link;
    try {
      link = Files.readSymbolicLink(Path.of("/proc/self/ns/net")).toString();
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
    String own = link.substring(link.indexOf('[') + 1, link.indexOf(']'));
    assertTrue(
        page.body().contains("inode " + own + ")</small></dd>"),
        "its network namespace: " + page.body());
    assertFragment(get("/processes/" + RunningNode.NODE + "/" + pid, true), "process");
    assertEquals(404, get("/processes/" + RunningNode.NODE + "/4194304", false).status());
    assertEquals(404, get("/processes/no-such-node/" + pid, false).status());
    assertEquals(400, get("/processes/" + RunningNode.NODE + "/-3", false).status());
  }

  @Test
  void checkAnswersInPlainWords() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      int port = server.getLocalPort();
      Page answer =
          Await.until(
              "the check sees tcp/" + port,
              Duration.ofSeconds(10),
              () -> {
                Page p = get("/check?proto=tcp&port=" + port, true);
                return p.body().contains("is listening on loopback only") ? p : null;
              });
      assertEquals(200, answer.status());
      assertFragment(answer, "check-answer");
    }
    Page empty = get("/check", false);
    assertEquals(200, empty.status());
    assertFullPage(empty);
    Page bad = get("/check?proto=tcp&port=99999", true);
    assertEquals(400, bad.status());
    assertTrue(bad.body().contains("65535"), bad.body());
  }

  @Test
  void aUnixSocketPathWithMarkupIsShownAsText(@TempDir Path dir) throws Exception {
    Files.createDirectories(dir.resolve("<script>x<"));
    Path path = dir.resolve("<script>x</script>");
    try (ServerSocketChannel unix = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      unix.bind(UnixDomainSocketAddress.of(path));
      Page page =
          Await.until(
              "the unix socket in the connections page",
              Duration.ofSeconds(10),
              () -> {
                Page p = get("/connections?proto=unix&q=script", false);
                return p.body().contains("&lt;script&gt;x&lt;/script&gt;") ? p : null;
              });
      assertEquals(200, page.status());
      assertFalse(page.body().contains("<script>x</script>"), "markup must be escaped");
    }
  }

  @Test
  void htmlChangeFeedIsAnEventStream() throws Exception {
    HttpResponse<java.io.InputStream> r =
        HTTP.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + node.port + "/ui/events?listening=true"))
                .build(),
            HttpResponse.BodyHandlers.ofInputStream());
    try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(r.body()))) {
      assertEquals(200, r.statusCode());
      assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
      try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
        String want = "<a href=\"/ports/tcp/" + server.getLocalPort() + "\">";
        String line;
        while ((line = in.readLine()) != null) {
          if (line.startsWith("data: ") && line.contains(want)) {
            assertTrue(line.contains("<li class=\"change opened\">"), line);
            break;
          }
        }
        assertTrue(line != null, "the feed announced the new listener as an HTML row");
      }
    }
    assertEquals(400, get("/ui/events?bogus=1", false).status());
  }
}
