package dev.portolan.dashboard;

import dev.portolan.api.ScanRoutes;
import dev.portolan.audit.AuditKind;
import dev.portolan.bus.Addresses;
import dev.portolan.bus.ListedSocket;
import dev.portolan.bus.NodeSocketsReply;
import dev.portolan.bus.ScanJson;
import dev.portolan.bus.ScanStateReply;
import dev.portolan.bus.SocketQuery;
import dev.portolan.frontend.view.ExposurePort;
import dev.portolan.frontend.view.ExposureView;
import dev.portolan.frontend.view.VennLabel;
import dev.portolan.http.InvalidQueryException;
import dev.portolan.http.Params;
import dev.portolan.http.QueryValues;
import dev.portolan.http.RequestException;
import dev.portolan.query.FleetApi;
import dev.portolan.query.NodeRequests;
import dev.portolan.query.ScanGate;
import dev.portolan.sampling.SocketFilter;
import dev.portolan.scan.ExposureMap;
import dev.portolan.scan.PortList;
import dev.portolan.scan.ScanRecord;
import dev.portolan.scan.policy.ScanTarget;
import dev.portolan.service.ServiceNames;
import dev.portolan.socket.AddressText;
import dev.portolan.socket.Protocol;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The exposure view: a node's TCP listeners next to what a scan of its (non-loopback) addresses
 * reaches, as a picture of two overlapping sets and a table. The scan runs from the node itself (it
 * sees bind addresses, not a firewall in front of the node) or from another live node (what the
 * network lets through; the scanning node's policy must allow the addresses). {@code GET
 * /exposure[?node=N][&scan=ID]}, {@code POST /ui/exposure} (node, from, ports, preset).
 */
final class ExposurePages {
  static final String DEFAULT_EXTRA_PORTS = "top:100";
  private static final int MAX_LABELS = 9;

  private final Vertx vertx;
  private final FleetApi fleet;
  private final ServiceNames services;
  private final ScanViews views;
  private final ScanGate gate;

  private ExposurePages(Vertx vertx, FleetApi fleet, ServiceNames services, ScanGate gate) {
    this.gate = gate;
    this.vertx = vertx;
    this.fleet = fleet;
    this.services = services;
    this.views = new ScanViews(services);
  }

  static void mount(
      Router router, Vertx vertx, FleetApi fleet, ServiceNames services, ScanGate gate) {
    ExposurePages p = new ExposurePages(vertx, fleet, services, gate);
    router.get("/exposure").handler(p::show);
    router
        .post("/ui/exposure")
        .handler(BodyHandler.create(false).setBodyLimit(16 * 1024))
        .handler(p::start);
  }

  /** The form for {@code node} (null: no live node), scanned from {@code from}. */
  private static ExposureView form(
      LiveNodes live,
      String node,
      String from,
      String ports,
      String preset,
      String error,
      String fix) {
    return new ExposureView(
        node,
        from,
        live.names(),
        "",
        ports,
        preset,
        error,
        fix,
        null,
        null,
        false,
        null,
        List.of(),
        0,
        0,
        0,
        0,
        List.of());
  }

  private void show(RoutingContext ctx) {
    try {
      Map<String, List<String>> params = Params.of(ctx.queryParams());
      QueryValues.rejectUnknown(params, Set.of("scan", "node", "from"));
      String id = QueryValues.single(params, "scan");
      String asked = blankToNull(QueryValues.single(params, "node"));
      String askedFrom = blankToNull(QueryValues.single(params, "from"));
      if (id != null && !id.isBlank() && !id.matches("[0-9a-f]{12}")) {
        throw new InvalidQueryException(
            "invalid scan id", QueryValues.echo(id) + " is not a scan id");
      }
      LiveNodes.of(fleet, asked)
          .compose(
              live -> {
                if (asked != null && !asked.equals(live.preferred())) {
                  return fleet
                      .liveNode(asked)
                      .map(n -> live); // unknown (404) or down (503): say so
                }
                return Future.succeededFuture(live);
              })
          .compose(
              live -> {
                String node = live.preferred();
                if (id == null || id.isBlank() || node == null) {
                  String from =
                      askedFrom != null && live.names().contains(askedFrom) ? askedFrom : node;
                  return Future.succeededFuture(form(live, node, from, "", "normal", null, null));
                }
                return fleet
                    .scans()
                    .nodeOf(id, null)
                    .compose(
                        on ->
                            ask(
                                Addresses.onNode(on, Addresses.SCAN_STATUS),
                                new JsonObject().put("id", id).put("results", true)))
                    .compose(
                        answer -> {
                          ScanRecord.Snapshot scan = ScanJson.snapshotFromJson(answer);
                          if (!scan.status().finished()) {
                            return Future.succeededFuture(pending(live, node, scan));
                          }
                          return listeners(node).map(list -> picture(live, node, scan, list));
                        });
              })
          .onSuccess(view -> send(ctx, 200, view))
          .onFailure(e -> HtmlReplies.fail(ctx, e));
    } catch (RuntimeException e) {
      HtmlReplies.fail(ctx, e);
    }
  }

  private void start(RoutingContext ctx) {
    String portsAsked = formValue(ctx, "ports", "");
    String preset = formValue(ctx, "preset", "normal");
    String asked = blankToNull(formValue(ctx, "node", ""));
    String askedFrom = blankToNull(formValue(ctx, "from", ""));
    ScanGate.Attempt attempt;
    try {
      attempt =
          gate.enter(
              ctx,
              AuditKind.EXPOSURE,
              askedFrom == null ? asked : askedFrom,
              asked,
              portsAsked.isEmpty() ? null : portsAsked);
    } catch (RequestException e) {
      LiveNodes.of(fleet, asked)
          .onFailure(f -> HtmlReplies.fail(ctx, e))
          .onSuccess(
              live ->
                  send(
                      ctx,
                      e.status(),
                      form(
                          live,
                          asked == null ? live.preferred() : asked,
                          askedFrom,
                          portsAsked,
                          preset,
                          HtmlReplies.title(e.error()) + ": " + e.detail(),
                          null)));
      return;
    }
    LiveNodes.of(fleet, asked)
        .onFailure(
            e -> {
              attempt.refused(e);
              HtmlReplies.fail(ctx, e);
            })
        .onSuccess(
            live -> {
              String node = asked == null ? live.preferred() : asked;
              String from = askedFrom == null ? node : askedFrom;
              attempt.node(from);
              if (node == null) {
                send(
                    ctx,
                    400,
                    form(
                        live,
                        null,
                        null,
                        portsAsked,
                        preset,
                        "No live node: there is no node whose listeners"
                            + " to show, and none to scan from.",
                        null));
                return;
              }
              for (String n : List.of(node, from)) {
                if (!live.names().contains(n)) {
                  attempt.refused(
                      new InvalidQueryException(
                          "not a live node", QueryValues.echo(n) + " is unknown or down"));
                  send(
                      ctx,
                      400,
                      form(
                          live,
                          live.preferred(),
                          live.preferred(),
                          portsAsked,
                          preset,
                          "Not a live node: "
                              + QueryValues.echo(n)
                              + " is unknown or down; choose one of the live nodes.",
                          null));
                  return;
                }
              }
              List<String> targets =
                  node.equals(from) ? List.of() : outsideAddresses(live.addresses().get(node));
              if (!node.equals(from) && targets.isEmpty()) {
                attempt.refused(
                    new InvalidQueryException(
                        "no address to scan",
                        node + " has no address but loopback and link-local"));
                send(
                    ctx,
                    400,
                    form(
                        live,
                        node,
                        from,
                        portsAsked,
                        preset,
                        "No address to scan: "
                            + node
                            + " has no address"
                            + " but loopback and link-local, so nothing outside it can reach its listeners.",
                        null));
                return;
              }
              Future<String> ports =
                  portsAsked.isEmpty()
                      ? listeners(node).map(list -> listenerPortsAnd(list, DEFAULT_EXTRA_PORTS))
                      : Future.succeededFuture(portsAsked);
              ports
                  .compose(
                      p -> {
                        String target =
                            node.equals(from)
                                ? dev.portolan.bus.ScanRequest.SELF_TARGET
                                : String.join(",", targets);
                        attempt.what(node + " (" + target + ")", p);
                        JsonObject body =
                            new JsonObject()
                                .put("target", target)
                                .put("ports", p)
                                .put("proto", "tcp")
                                .put("preset", preset);
                        return NodeRequests.askFor(
                                vertx,
                                dev.portolan.http.Caller.name(ctx),
                                Addresses.onNode(from, Addresses.SCAN_START),
                                ScanRoutes.parseRequest(body).toJson(),
                                NodeRequests.TIMEOUT_MILLIS)
                            .map(a -> ScanStateReply.fromJson(a).scan());
                      })
                  .onSuccess(
                      scan -> {
                        attempt.scanAccepted(scan);
                        fleet.scans().remember(scan);
                        String href = "/exposure?node=" + urlEncode(node) + "&scan=" + scan.id();
                        if (HtmlReplies.wantsFragment(ctx)) {
                          ctx.response().putHeader("HX-Push-Url", href);
                          send(ctx, 200, pending(live, node, scan));
                        } else {
                          ctx.response().setStatusCode(303).putHeader("Location", href).end();
                        }
                      })
                  .onFailure(
                      e -> {
                        attempt.refused(e);
                        if (e instanceof RequestException r) {
                          send(
                              ctx,
                              r.status(),
                              form(
                                  live,
                                  node,
                                  from,
                                  portsAsked,
                                  preset,
                                  HtmlReplies.title(r.error()) + ": " + r.detail(),
                                  fix(r, node, from, targets)));
                        } else {
                          HtmlReplies.fail(ctx, e);
                        }
                      });
            });
  }

  /**
   * What to change when the scanning node's policy refused the scan: scanning another node's
   * addresses needs them in the scanning node's {@code scanAllow}.
   */
  static String fix(RequestException r, String node, String from, List<String> targets) {
    if (r.status() != 403 || !"target not allowed".equals(r.error())) {
      return null;
    }
    if (node.equals(from)) {
      return ScanPages.policyFix(r, from).strip();
    }
    String list = String.join(",", targets);
    return "Scanning "
        + node
        + "'s addresses from "
        + from
        + " needs them in "
        + from
        + "'s scan policy: start "
        + from
        + " with --scan-allow="
        + list
        + " (or PORTOLAN_SCAN_ALLOW="
        + list
        + ", or \"scanAllow\": \""
        + list
        + "\" in its config file), or with the network that holds them; or scan "
        + node
        + " from itself.";
  }

  /**
   * A node's addresses another node can reach it on, in canonical form (RFC 5952): all but
   * loopback, link-local and unspecified (a node's heartbeat lists them as Java writes them: {@code
   * 0:0:0:0:0:0:0:1}).
   */
  static List<String> outsideAddresses(List<String> addresses) {
    List<String> out = new ArrayList<>();
    for (String a : addresses == null ? List.<String>of() : addresses) {
      ScanTarget t;
      try {
        t = ScanTarget.parse(a);
      } catch (RuntimeException e) {
        continue;
      }
      java.net.InetAddress ip = t.address();
      if (t.kind() == ScanTarget.Kind.ADDRESS
          && !ip.isLoopbackAddress()
          && !ip.isLinkLocalAddress()
          && !ip.isAnyLocalAddress()
          && !out.contains(t.text())) {
        out.add(t.text());
      }
    }
    return out;
  }

  private static String formValue(RoutingContext ctx, String name, String dflt) {
    String v = ctx.request().getFormAttribute(name);
    return v == null ? dflt : v.strip();
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }

  private static String urlEncode(String s) {
    return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
  }

  /** The listening ports as a compact spec (ranges for runs), plus {@code extra}. */
  static String listenerPortsAnd(List<ExposureMap.Listener> listeners, String extra) {
    TreeSet<Integer> ports =
        listeners.stream()
            .map(ExposureMap.Listener::port)
            .filter(p -> p > 0)
            .collect(Collectors.toCollection(TreeSet::new));
    StringBuilder spec = new StringBuilder();
    Integer runStart = null;
    Integer previous = null;
    for (int p : ports) {
      if (previous != null && p == previous + 1) {
        previous = p;
        continue;
      }
      appendRun(spec, runStart, previous);
      runStart = p;
      previous = p;
    }
    appendRun(spec, runStart, previous);
    String joined = spec.isEmpty() ? extra : spec + "," + extra;
    return joined.length() > PortList.MAX_TEXT ? "-" : joined;
  }

  private static void appendRun(StringBuilder spec, Integer from, Integer to) {
    if (from == null) {
      return;
    }
    if (!spec.isEmpty()) {
      spec.append(',');
    }
    spec.append(from);
    if (!from.equals(to)) {
      spec.append('-').append(to);
    }
  }

  private ExposureView pending(LiveNodes live, String node, ScanRecord.Snapshot scan) {
    return new ExposureView(
        node,
        scan.node(),
        live.names(),
        addresses(scan),
        scan.ports(),
        scan.preset().wireName(),
        null,
        null,
        note(live, node, scan.node()),
        views.of(scan),
        true,
        "/exposure?node=" + urlEncode(node) + "&scan=" + scan.id(),
        List.of(),
        0,
        0,
        0,
        0,
        List.of());
  }

  private ExposureView picture(
      LiveNodes live, String node, ScanRecord.Snapshot scan, List<ExposureMap.Listener> listeners) {
    ExposureMap map = ExposureMap.of(node, listeners, scan);
    List<VennLabel> labels = new ArrayList<>();
    place(labels, map.listeningNotReachable(), 165, "not-reachable");
    place(labels, map.listeningReachable(), 320, "reachable");
    place(labels, map.reachableUnexplained(), 475, "unexplained");
    List<ExposurePort> rows = new ArrayList<>();
    rows(rows, map.listeningReachable(), "reachable");
    rows(rows, map.listeningNotReachable(), "not-reachable");
    rows(rows, map.reachableUnexplained(), "unexplained");
    rows(rows, map.notScanned(), "not-scanned");
    return new ExposureView(
        node,
        scan.node(),
        live.names(),
        addresses(scan),
        scan.ports(),
        scan.preset().wireName(),
        null,
        null,
        note(live, node, scan.node()),
        views.of(scan),
        false,
        null,
        labels,
        map.listeningReachable().size(),
        map.listeningNotReachable().size(),
        map.reachableUnexplained().size(),
        map.notScanned().size(),
        rows);
  }

  /**
   * When another node scans: the addresses both nodes have (the same host, or overlapping networks
   * such as a container bridge), where the scan reaches the scanning node itself.
   */
  static String note(LiveNodes live, String node, String from) {
    if (node == null || from == null || node.equals(from)) {
      return null;
    }
    List<String> theirs = outsideAddresses(live.addresses().get(from));
    List<String> shared =
        outsideAddresses(live.addresses().get(node)).stream().filter(theirs::contains).toList();
    if (shared.isEmpty()) {
      return null;
    }
    return node
        + " and "
        + from
        + " share "
        + (shared.size() == 1 ? "the address " : "the addresses ")
        + String.join(", ", shared)
        + " (the same host, or overlapping networks such as a container bridge): there"
        + " the scan from "
        + from
        + " may reach "
        + from
        + " itself.";
  }

  /**
   * Stacks up to {@value #MAX_LABELS} port labels in a region's column, centred on the circles'
   * middle line.
   */
  private static void place(
      List<VennLabel> labels, List<ExposureMap.Port> ports, int x, String category) {
    int shown = ports.size() > MAX_LABELS ? MAX_LABELS - 1 : ports.size();
    int lines = shown + (ports.size() > shown ? 1 : 0);
    int y = 158 - (lines - 1) * 11 + 5;
    for (int i = 0; i < shown; i++) {
      ExposureMap.Port p = ports.get(i);
      labels.add(
          new VennLabel(
              x,
              y + i * 22,
              String.valueOf(p.port()),
              category,
              "/ports/" + p.proto().wireName() + "/" + p.port()));
    }
    if (ports.size() > shown) {
      labels.add(
          new VennLabel(x, y + shown * 22, "+" + (ports.size() - shown) + " more", category, null));
    }
  }

  private void rows(List<ExposurePort> rows, List<ExposureMap.Port> ports, String category) {
    for (ExposureMap.Port p : ports) {
      String service = services.name(p.proto(), p.port());
      rows.add(
          new ExposurePort(
              category,
              p.port(),
              p.proto().wireName(),
              service == null ? "" : service,
              String.join(", ", p.boundTo()),
              p.owner() == null ? "" : p.owner(),
              p.why(),
              p.boundTo().isEmpty() ? null : "/ports/" + p.proto().wireName() + "/" + p.port()));
    }
  }

  private static String addresses(ScanRecord.Snapshot scan) {
    return scan.addresses().stream()
        .map(a -> AddressText.of(a.getAddress()))
        .collect(Collectors.joining(", "));
  }

  private Future<List<ExposureMap.Listener>> listeners(String node) {
    SocketFilter filter =
        SocketFilter.parse(Map.of("listening", List.of("true"), "proto", List.of("tcp")));
    return ask(
            Addresses.onNode(node, Addresses.SOCKETS_QUERY),
            new SocketQuery(filter, 10_000, null).toJson())
        .map(NodeSocketsReply::fromJson)
        .map(
            page -> {
              List<ExposureMap.Listener> list = new ArrayList<>();
              for (ListedSocket s : page.sockets()) {
                list.add(
                    new ExposureMap.Listener(
                        Protocol.TCP,
                        s.entry().localPort(),
                        s.entry().localAddress(),
                        SocketRows.ownerLabel(s.owner())));
              }
              return list;
            });
  }

  private void send(RoutingContext ctx, int status, ExposureView view) {
    HtmlReplies.send(
        ctx, status, "fragment/exposure.jte", "page/exposure.jte", Map.of("exposure", view));
  }

  private Future<JsonObject> ask(String address, JsonObject body) {
    return NodeRequests.ask(vertx, address, body);
  }
}
