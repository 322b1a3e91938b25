package dev.portolan.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.web.RunningNode;
import io.vertx.core.json.JsonArray;
import java.net.ServerSocket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * No GET starts a scan or a check: a link, an {@code <img>} or a prefetch must never send probes.
 * Every GET route of {@link FuzzedEndpoints} is asked with plausible parameters (a listening
 * loopback port, this node, a real pid), as a page's link would; then the audit log, where every
 * scan and check is written, must still be empty.
 */
class GetRoutesActNotTest {
  private static final Pattern SEGMENT = Pattern.compile("\\{([a-z]+)}");
  private static RunningNode node;
  private static RawHttp http;
  private static ServerSocket listener;

  @BeforeAll
  static void start() throws Exception {
    node = RunningNode.start();
    http = new RawHttp(node.port);
    listener = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
  }

  @AfterAll
  static void stop() throws Exception {
    listener.close();
    node.close();
  }

  /** A value a page's link could carry for parameter {@code name}. */
  private static String plausible(String name) {
    String port = Integer.toString(listener.getLocalPort());
    return Map.ofEntries(
            Map.entry("host", "127.0.0.1"),
            Map.entry("port", port),
            Map.entry("local-port", port),
            Map.entry("remote-port", port),
            Map.entry("ports", port),
            Map.entry("target", "127.0.0.1"),
            Map.entry("timeout", "1000"),
            Map.entry("timeoutMillis", "1000"),
            Map.entry("node", RunningNode.NODE),
            Map.entry("from", RunningNode.NODE),
            Map.entry("name", RunningNode.NODE),
            Map.entry("nodes", RunningNode.NODE),
            Map.entry("proto", "tcp"),
            Map.entry("state", "listen"),
            Map.entry("listening", "true"),
            Map.entry("pid", Long.toString(ProcessHandle.current().pid())),
            Map.entry("q", "java"),
            Map.entry("limit", "10"),
            Map.entry("id", "0123456789ab"),
            Map.entry("scan", "0123456789ab"),
            Map.entry("format", "csv"),
            Map.entry("path", "portolan.css"),
            Map.entry("then", "/"),
            Map.entry("preset", "normal"),
            Map.entry("banners", "true"),
            Map.entry("kind", "reachability"),
            Map.entry("outcome", "accepted"),
            Map.entry("user", "anonymous"),
            Map.entry("change", "opened"))
        .getOrDefault(name, null);
  }

  /**
   * The names of an endpoint's fields: {@code host+port} is two, {@code !ports:gen} is {@code
   * ports}.
   */
  private static List<String> names(List<String> fields) {
    List<String> names = new ArrayList<>();
    for (String f : fields) {
      for (String part : f.replace("!", "").split("\\+")) {
        names.add(part.contains(":") ? part.substring(0, part.indexOf(':')) : part);
      }
    }
    return names;
  }

  private static String target(FuzzedEndpoints.Endpoint e) {
    Matcher m = SEGMENT.matcher(e.path());
    StringBuilder path = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(
          path,
          Matcher.quoteReplacement(
              e.path().equals("/api/v1/{name}")
                  ? "nodes"
                  : URLEncoder.encode(plausible(m.group(1)), StandardCharsets.UTF_8)));
    }
    m.appendTail(path);
    StringJoiner query = new StringJoiner("&");
    for (String name : names(e.fields())) {
      String value = plausible(name);
      if (value != null && !(name.equals("last-event-id") || name.equals("cursor"))) {
        query.add(name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8));
      }
    }
    return query.length() == 0 ? path.toString() : path + "?" + query;
  }

  @Test
  void noGetRouteStartsAScanOrACheck() throws Exception {
    List<String> asked = new ArrayList<>();
    for (FuzzedEndpoints.Endpoint e : FuzzedEndpoints.ALL) {
      if (!e.method().equals("GET")) {
        continue;
      }
      String target = target(e);
      for (String t :
          List.of(
              target, target.contains("?") ? target.substring(0, target.indexOf('?')) : target)) {
        RawHttp.Answer a = http.send("GET", t, null);
        assertTrue(a.status() < 500, "GET " + t + ": " + a.status() + " " + a.body());
        a = http.send("GET", t, null, "HX-Request", "true");
        assertTrue(a.status() < 500, "GET " + t + " (htmx): " + a.status() + " " + a.body());
        asked.add(t);
      }
    }
    assertTrue(
        asked.stream().anyMatch(t -> t.startsWith("/reachability?host=127.0.0.1&port=")),
        asked.toString());
    JsonArray entries = node.get("/api/v1/audit").json().getJsonArray("entries");
    assertEquals(
        0, entries.size(), "no GET of " + asked + " ran a scan or a check: " + entries.encode());
    assertEquals(0, node.get("/api/v1/scans").json().getJsonArray("scans").size());
  }

  @Test
  void aReachabilityLinkFillsInTheFormAndRunsNothing() {
    String port = Integer.toString(listener.getLocalPort());
    RunningNode.Reply page =
        node.get("/reachability?host=127.0.0.1&port=" + port + "&timeout=1500");
    assertEquals(200, page.status(), page.body());
    assertTrue(
        page.body().contains("value=\"127.0.0.1\"")
            && page.body().contains("value=\"" + port + "\"")
            && page.body().contains("value=\"1500\""),
        "the form holds the link's values: " + page.body());
    assertTrue(page.body().contains("hx-post=\"/ui/reachability\""), page.body());
    assertEquals(
        0, node.get("/api/v1/audit?kind=reachability").json().getJsonArray("entries").size());
  }
}
