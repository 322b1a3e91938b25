package dev.portolan.dashboard;

import dev.portolan.sampler.AddressText;
import dev.portolan.bus.Addresses;
import dev.portolan.bus.ScanJson;
import dev.portolan.bus.SocketQuery;
import dev.portolan.frontend.view.ExposurePort;
import dev.portolan.frontend.view.ExposureView;
import dev.portolan.frontend.view.VennLabel;
import dev.portolan.node.InvalidQueryException;
import dev.portolan.node.QueryValues;
import dev.portolan.node.RequestException;
import dev.portolan.node.SocketFilter;
import dev.portolan.sampler.Protocol;
import dev.portolan.scan.ExposureMap;
import dev.portolan.scan.PortList;
import dev.portolan.scan.ScanRecord;
import dev.portolan.service.ServiceNames;
import dev.portolan.web.NodeRequests;
import dev.portolan.web.Params;
import dev.portolan.web.ScanRoutes;
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
 * The exposure view: this node's TCP listeners next to what a scan of its own (non-loopback) addresses reaches,
 * as a picture of two overlapping sets and a table. {@code GET /exposure[?scan=ID]}, {@code POST /ui/exposure}.
 */
final class ExposurePages {
  static final String DEFAULT_EXTRA_PORTS = "top:100";
  private static final int MAX_LABELS = 9;

  private final Vertx vertx;
  private final String node;
  private final ServiceNames services;
  private final ScanViews views;

  private ExposurePages(Vertx vertx, String node, ServiceNames services) {
    this.vertx = vertx;
    this.node = node;
    this.services = services;
    this.views = new ScanViews(services);
  }

  static void mount(Router router, Vertx vertx, String node, ServiceNames services) {
    ExposurePages p = new ExposurePages(vertx, node, services);
    router.get("/exposure").handler(p::show);
    router.post("/ui/exposure").handler(BodyHandler.create(false).setBodyLimit(16 * 1024)).handler(p::start);
  }

  private ExposureView form(String ports, String preset, String error) {
    return new ExposureView(node, "", ports, preset, error, null, false, null, List.of(), 0, 0, 0, 0, List.of());
  }

  private void show(RoutingContext ctx) {
    try {
      Map<String, List<String>> params = Params.of(ctx.queryParams());
      QueryValues.rejectUnknown(params, Set.of("scan"));
      String id = QueryValues.single(params, "scan");
      if (id == null || id.isBlank()) {
        send(ctx, 200, form("", "normal", null));
        return;
      }
      if (!id.matches("[0-9a-f]{12}")) {
        throw new InvalidQueryException("invalid scan id", QueryValues.echo(id) + " is not a scan id");
      }
      ask(Addresses.onNode(node, Addresses.SCAN_STATUS), new JsonObject().put("id", id).put("results", true))
          .compose(answer -> {
            ScanRecord.Snapshot scan = ScanJson.snapshotFromJson(answer);
            if (!scan.status().finished()) {
              return Future.succeededFuture(pending(scan));
            }
            return listeners().map(list -> picture(scan, list));
          })
          .onSuccess(view -> send(ctx, 200, view))
          .onFailure(e -> HtmlReplies.fail(ctx, e));
    } catch (RuntimeException e) {
      HtmlReplies.fail(ctx, e);
    }
  }

  private void start(RoutingContext ctx) {
    String portsAsked = ctx.request().getFormAttribute("ports") == null ? "" : ctx.request().getFormAttribute("ports").strip();
    String preset = ctx.request().getFormAttribute("preset") == null ? "normal" : ctx.request().getFormAttribute("preset");
    Future<String> ports = portsAsked.isEmpty()
        ? listeners().map(list -> listenerPortsAnd(list, DEFAULT_EXTRA_PORTS))
        : Future.succeededFuture(portsAsked);
    ports.compose(p -> {
      JsonObject body = new JsonObject().put("target", dev.portolan.bus.ScanRequest.SELF_TARGET).put("ports", p).put("proto", "tcp")
          .put("preset", preset);
      return ask(Addresses.onNode(node, Addresses.SCAN_START), ScanRoutes.parseRequest(body).toJson());
    }).onSuccess(answer -> {
      ScanRecord.Snapshot scan = ScanJson.snapshotFromJson(answer);
      String href = "/exposure?scan=" + scan.id();
      if (HtmlReplies.wantsFragment(ctx)) {
        ctx.response().putHeader("HX-Push-Url", href);
        send(ctx, 200, pending(scan));
      } else {
        ctx.response().setStatusCode(303).putHeader("Location", href).end();
      }
    }).onFailure(e -> {
      if (e instanceof RequestException r) {
        send(ctx, r.status(), form(portsAsked, preset, HtmlReplies.title(r.error()) + ": " + r.detail()));
      } else {
        HtmlReplies.fail(ctx, e);
      }
    });
  }

  /** The listening ports as a compact spec (ranges for runs), plus {@code extra}. */
  static String listenerPortsAnd(List<ExposureMap.Listener> listeners, String extra) {
    TreeSet<Integer> ports = listeners.stream().map(ExposureMap.Listener::port).filter(p -> p > 0)
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

  private ExposureView pending(ScanRecord.Snapshot scan) {
    return new ExposureView(node, addresses(scan), scan.ports(), scan.preset().wireName(), null, views.of(scan), true,
        "/exposure?scan=" + scan.id(), List.of(), 0, 0, 0, 0, List.of());
  }

  private ExposureView picture(ScanRecord.Snapshot scan, List<ExposureMap.Listener> listeners) {
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
    return new ExposureView(node, addresses(scan), scan.ports(), scan.preset().wireName(), null, views.of(scan), false,
        null, labels, map.listeningReachable().size(), map.listeningNotReachable().size(),
        map.reachableUnexplained().size(), map.notScanned().size(), rows);
  }

  /** Stacks up to {@value #MAX_LABELS} port labels in a region's column, centred on the circles' middle line. */
  private static void place(List<VennLabel> labels, List<ExposureMap.Port> ports, int x, String category) {
    int shown = ports.size() > MAX_LABELS ? MAX_LABELS - 1 : ports.size();
    int lines = shown + (ports.size() > shown ? 1 : 0);
    int y = 158 - (lines - 1) * 11 + 5;
    for (int i = 0; i < shown; i++) {
      ExposureMap.Port p = ports.get(i);
      labels.add(new VennLabel(x, y + i * 22, String.valueOf(p.port()), category,
          "/ports/" + p.proto().wireName() + "/" + p.port()));
    }
    if (ports.size() > shown) {
      labels.add(new VennLabel(x, y + shown * 22, "+" + (ports.size() - shown) + " more", category, null));
    }
  }

  private void rows(List<ExposurePort> rows, List<ExposureMap.Port> ports, String category) {
    for (ExposureMap.Port p : ports) {
      String service = services.name(p.proto(), p.port());
      rows.add(new ExposurePort(category, p.port(), p.proto().wireName(), service == null ? "" : service,
          String.join(", ", p.boundTo()), p.owner() == null ? "" : p.owner(), p.why(),
          p.boundTo().isEmpty() ? null : "/ports/" + p.proto().wireName() + "/" + p.port()));
    }
  }

  private static String addresses(ScanRecord.Snapshot scan) {
    return scan.addresses().stream().map(a -> AddressText.of(a.getAddress())).collect(Collectors.joining(", "));
  }

  private Future<List<ExposureMap.Listener>> listeners() {
    SocketFilter filter = SocketFilter.parse(Map.of("listening", List.of("true"), "proto", List.of("tcp")));
    return ask(Addresses.onNode(node, Addresses.SOCKETS_QUERY), new SocketQuery(filter, 10_000, null).toJson()).map(page -> {
      List<ExposureMap.Listener> list = new ArrayList<>();
      page.getJsonArray("sockets").forEach(o -> {
        JsonObject s = (JsonObject) o;
        JsonObject owner = s.getJsonObject("owner");
        list.add(new ExposureMap.Listener(Protocol.TCP, s.getInteger("localPort"), s.getString("localAddress"),
            owner == null ? null : SocketRows.ownerLabel(owner)));
      });
      return list;
    });
  }

  private void send(RoutingContext ctx, int status, ExposureView view) {
    HtmlReplies.send(ctx, status, "fragment/exposure.jte", "page/exposure.jte", Map.of("exposure", view));
  }

  private Future<JsonObject> ask(String address, JsonObject body) {
    return NodeRequests.ask(vertx, address, body);
  }
}
