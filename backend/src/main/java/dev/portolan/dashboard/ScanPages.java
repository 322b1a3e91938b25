package dev.portolan.dashboard;

import dev.portolan.api.ScanEventStream;
import dev.portolan.api.ScanRoutes;
import dev.portolan.api.SseFormat;
import dev.portolan.audit.AuditKind;
import dev.portolan.bus.Addresses;
import dev.portolan.bus.ConnectivityReply;
import dev.portolan.bus.ConnectivityRequest;
import dev.portolan.bus.ScanEvent;
import dev.portolan.bus.ScanJson;
import dev.portolan.bus.ScanListReply;
import dev.portolan.bus.ScanStateReply;
import dev.portolan.frontend.Templates;
import dev.portolan.frontend.view.ConnectView;
import dev.portolan.frontend.view.ScanFormView;
import dev.portolan.frontend.view.ScanView;
import dev.portolan.frontend.view.ScansView;
import dev.portolan.http.Params;
import dev.portolan.http.QueryValues;
import dev.portolan.http.RequestException;
import dev.portolan.query.FleetApi;
import dev.portolan.query.NodeRequests;
import dev.portolan.query.ScanGate;
import dev.portolan.query.ScanLocator;
import dev.portolan.scan.ScanRecord;
import dev.portolan.service.ServiceNames;
import dev.portolan.socket.Protocol;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The dashboard's scan pages: {@code /scans} (form and the recent scans of every live node), {@code
 * /scans/{id}} (one scan, found on whichever node runs it, live while it runs: a progress bar and
 * the ports found, over {@code /ui/scans/{id}/events}), starting from a chosen node ({@code POST
 * /ui/scans}) and cancelling ({@code POST /ui/scans/{id}/cancel}); the check page's "can a node
 * connect?" form ({@code POST /ui/connectivity}) and the live nodes as options for the forms' node
 * selects ({@code /ui/node-options}).
 */
final class ScanPages {
  private static final Set<String> FORM_FIELDS =
      Set.of("target", "ports", "proto", "preset", "banners", "node");

  private final Vertx vertx;
  private final ScanViews views;
  private final FleetApi fleet;
  private final ScanLocator scans;
  private final ScanGate gate;

  private ScanPages(Vertx vertx, FleetApi fleet, ServiceNames services, ScanGate gate) {
    this.gate = gate;
    this.fleet = fleet;
    this.scans = fleet.scans();
    this.vertx = vertx;
    this.views = new ScanViews(services);
  }

  static void mount(
      Router router, Vertx vertx, FleetApi fleet, ServiceNames services, ScanGate gate) {
    ScanPages p = new ScanPages(vertx, fleet, services, gate);
    router
        .get("/scans")
        .handler(ctx -> p.guarded(ctx, Set.of(), () -> p.list(ctx, null, null, 200)));
    router
        .post("/ui/scans")
        .handler(BodyHandler.create(false).setBodyLimit(16 * 1024))
        .handler(ctx -> p.guarded(ctx, Set.of(), () -> p.start(ctx)));
    router.get("/scans/:id").handler(ctx -> p.guarded(ctx, Set.of("node"), () -> p.scan(ctx)));
    router
        .post("/ui/scans/:id/cancel")
        .handler(ctx -> p.guarded(ctx, Set.of("node"), () -> p.cancel(ctx)));
    router
        .post("/ui/connectivity")
        .handler(BodyHandler.create(false).setBodyLimit(16 * 1024))
        .handler(ctx -> p.guarded(ctx, Set.of(), () -> p.connect(ctx)));
    router
        .get("/ui/node-options")
        .handler(ctx -> p.guarded(ctx, Set.of("node"), () -> p.nodeOptions(ctx)));
    router
        .get("/ui/scans/:id/events")
        .handler(
            ctx ->
                p.guarded(
                    ctx,
                    Set.of("node"),
                    () -> {
                      String id = ScanRoutes.validId(ctx);
                      p.scans
                          .nodeOf(id, ScanRoutes.nodeParam(ctx))
                          .onFailure(e -> HtmlReplies.fail(ctx, e))
                          .onSuccess(
                              node ->
                                  ScanEventStream.serve(
                                      vertx,
                                      node,
                                      ctx,
                                      id,
                                      e ->
                                          dev.portolan.frontend.view.Chrome.with(
                                              HtmlReplies.chrome(ctx), () -> p.htmlEvent(e))));
                    }));
  }

  private void guarded(RoutingContext ctx, Set<String> accepted, Runnable page) {
    try {
      QueryValues.rejectUnknown(Params.of(ctx.queryParams()), accepted);
      page.run();
    } catch (RuntimeException e) {
      HtmlReplies.fail(ctx, e);
    }
  }

  /**
   * The scans page: {@code asked} is the form as submitted (null: the defaults), {@code error} why
   * it was refused. The recent scans are every live node's; a node that does not answer in time is
   * left out of the list.
   */
  private void list(RoutingContext ctx, ScanFormView asked, String error, int status) {
    Future<LiveNodes> live = LiveNodes.of(fleet, asked == null ? null : asked.node());
    Future<ScanListReply> recentScans = scans.list();
    Future.all(live, recentScans)
        .onSuccess(
            all -> {
              List<ScanView> recent = new ArrayList<>();
              recentScans.result().scans().forEach(s -> recent.add(views.of(s)));
              LiveNodes nodes = live.result();
              ScanFormView form =
                  asked == null
                      ? ScanFormView.defaults(nodes.preferred(), nodes.names())
                      : new ScanFormView(
                          asked.target(),
                          asked.ports(),
                          asked.proto(),
                          asked.preset(),
                          asked.banners(),
                          asked.node() == null || asked.node().isEmpty()
                              ? nodes.preferred()
                              : asked.node(),
                          nodes.names(),
                          error);
              HtmlReplies.send(
                  ctx,
                  status,
                  "page/scans.jte",
                  "page/scans.jte",
                  Map.of("scans", new ScansView(form, recent)));
            })
        .onFailure(e -> HtmlReplies.fail(ctx, e));
  }

  /**
   * The live nodes as {@code <option>}s, the one asked ({@code ?node=}) or the default selected.
   */
  private void nodeOptions(RoutingContext ctx) {
    LiveNodes.of(fleet, ScanRoutes.nodeParam(ctx))
        .onSuccess(
            nodes ->
                HtmlReplies.send(
                    ctx,
                    200,
                    HtmlReplies.render(
                        ctx,
                        "fragment/nodeoptions.jte",
                        Map.of(
                            "nodes",
                            nodes.names(),
                            "selected",
                            nodes.preferred() == null ? "" : nodes.preferred()))))
        .onFailure(e -> HtmlReplies.fail(ctx, e));
  }

  private void start(RoutingContext ctx) {
    MultiMap form = ctx.request().formAttributes();
    JsonObject body = new JsonObject();
    for (String name : form.names()) {
      String value = form.get(name);
      if (name.equals("banners")) {
        body.put(name, "on".equals(value) || "true".equals(value));
      } else if (name.equals("node")) {
        if (value != null && !value.isBlank()) {
          body.put(name, value.strip());
        }
      } else if (FORM_FIELDS.contains(name)) {
        body.put(name, value);
      }
    }
    ScanFormView asked =
        new ScanFormView(
            body.getString("target", ""),
            body.getString("ports", ScanRoutes.DEFAULT_PORTS),
            body.getString("proto", "tcp"),
            body.getString("preset", "normal"),
            body.getBoolean("banners", false),
            body.getString("node"),
            List.of(),
            null);
    Future<ScanRecord.Snapshot> started;
    ScanGate.Attempt attempt = null;
    try {
      attempt =
          gate.enter(
              ctx,
              "udp".equals(body.getValue("proto")) ? AuditKind.UDP_SCAN : AuditKind.TCP_SCAN,
              ScanRoutes.requestedNode(body),
              ScanRoutes.asked(body, "target"),
              ScanRoutes.asked(body, "ports"));
      var request = ScanRoutes.parseRequest(body);
      attempt.kind(request.proto() == Protocol.UDP ? AuditKind.UDP_SCAN : AuditKind.TCP_SCAN);
      started =
          fleet
              .runOn(ScanRoutes.requestedNode(body))
              .compose(
                  node ->
                      NodeRequests.askFor(
                          vertx,
                          dev.portolan.http.Caller.name(ctx),
                          Addresses.onNode(node, Addresses.SCAN_START),
                          request.toJson(),
                          NodeRequests.TIMEOUT_MILLIS))
              .map(a -> ScanStateReply.fromJson(a).scan())
              .onSuccess(scans::remember);
    } catch (RequestException e) {
      if (attempt != null) {
        attempt.refused(e);
      }
      refused(ctx, asked, e);
      return;
    }
    ScanGate.Attempt audited = attempt;
    started.onSuccess(audited::scanAccepted).onFailure(audited::refused);
    started
        .onSuccess(
            answer -> {
              ScanView scan = views.of(answer);
              if (HtmlReplies.wantsFragment(ctx)) {
                ctx.response().putHeader("HX-Push-Url", scan.href());
                HtmlReplies.send(
                    ctx, 200, HtmlReplies.render(ctx, "fragment/scan.jte", Map.of("scan", scan)));
              } else {
                ctx.response().setStatusCode(303).putHeader("Location", scan.href()).end();
              }
            })
        .onFailure(
            e -> {
              if (e instanceof RequestException r) {
                refused(ctx, asked, r);
              } else {
                HtmlReplies.fail(ctx, e);
              }
            });
  }

  /**
   * A refused scan: the reason where the scan would have appeared (htmx), or the form again with
   * it.
   */
  private void refused(RoutingContext ctx, ScanFormView asked, RequestException e) {
    String from = asked.node() == null || asked.node().isEmpty() ? fleet.localNode() : asked.node();
    String detail = e.detail() + policyFix(e, from);
    if (HtmlReplies.wantsFragment(ctx)) {
      HtmlReplies.error(ctx, e.status(), HtmlReplies.title(e.error()), detail);
      return;
    }
    String why = HtmlReplies.title(e.error()) + ": " + detail;
    list(ctx, asked, why, e.status());
  }

  /** For a refusal by a node's scan policy: where that policy is set. */
  static String policyFix(RequestException e, String node) {
    if (e.status() != 403 || !"target not allowed".equals(e.error())) {
      return "";
    }
    return " (on "
        + (node == null || node.isEmpty() ? "the node" : node)
        + ": the --scan-allow option, the"
        + " PORTOLAN_SCAN_ALLOW environment variable, or scanAllow in its config file)";
  }

  /**
   * "Can this node connect to host:port?" from the check page's form, from the node chosen: the
   * answer in words.
   */
  private void connect(RoutingContext ctx) {
    String host = formValue(ctx, "host");
    String port = formValue(ctx, "port");
    String asked = formValue(ctx, "node");
    String node = asked.isEmpty() ? null : asked;
    ConnectivityRequest request;
    ScanGate.Attempt attempt = null;
    try {
      attempt = gate.enter(ctx, AuditKind.CONNECTIVITY, node, host, port.isEmpty() ? null : port);
      JsonObject body = new JsonObject().put("host", host);
      if (!port.isEmpty()) {
        body.put("port", port);
      }
      request = ConnectivityRequest.parse(body);
    } catch (RequestException e) {
      if (attempt != null) {
        attempt.refused(e);
      }
      sendConnect(
          ctx,
          e.status(),
          host,
          port,
          node,
          "error",
          HtmlReplies.title(e.error()) + ": " + e.detail(),
          null);
      return;
    }
    ScanGate.Attempt audited = attempt;
    fleet
        .runOn(node)
        .compose(
            from ->
                NodeRequests.askFor(
                    vertx,
                    dev.portolan.http.Caller.name(ctx),
                    Addresses.onNode(from, Addresses.CONNECTIVITY),
                    request.toJson(),
                    request.timeoutMillis() + NodeRequests.TIMEOUT_MILLIS))
        .map(ConnectivityReply::fromJson)
        .onSuccess(audited::checked)
        .onFailure(audited::refused)
        .onSuccess(
            a -> {
              String facts =
                  "From "
                      + a.node()
                      + (a.localAddress() == null ? "" : " (" + a.localAddress() + ")")
                      + " to "
                      + a.address()
                      + " port "
                      + a.port()
                      + String.format(java.util.Locale.ROOT, ", %.1f ms", a.elapsedMillis());
              sendConnect(ctx, 200, host, port, a.node(), a.status(), a.reason(), facts);
            })
        .onFailure(
            e -> {
              if (e instanceof RequestException r) {
                sendConnect(
                    ctx,
                    r.status(),
                    host,
                    port,
                    node,
                    "error",
                    HtmlReplies.title(r.error())
                        + ": "
                        + r.detail()
                        + policyFix(r, node == null ? fleet.localNode() : node),
                    null);
              } else {
                HtmlReplies.fail(ctx, e);
              }
            });
  }

  private static String formValue(RoutingContext ctx, String name) {
    String v = ctx.request().getFormAttribute(name);
    return v == null ? "" : v.strip();
  }

  /**
   * The answer (htmx), or the check page with the form as asked and the answer (a plain form post).
   */
  private void sendConnect(
      RoutingContext ctx,
      int status,
      String host,
      String port,
      String node,
      String outcome,
      String answer,
      String facts) {
    if (HtmlReplies.wantsFragment(ctx)) {
      HtmlReplies.send(
          ctx,
          status,
          HtmlReplies.render(
              ctx,
              "fragment/connectanswer.jte",
              Map.of("connect", new ConnectView(host, port, node, null, outcome, answer, facts))));
      return;
    }
    LiveNodes.of(fleet, node)
        .onComplete(
            ar -> {
              ConnectView view =
                  new ConnectView(
                      host,
                      port,
                      ar.succeeded() ? ar.result().preferred() : node,
                      ar.succeeded() ? ar.result().names() : null,
                      outcome,
                      answer,
                      facts);
              HtmlReplies.send(
                  ctx,
                  status,
                  HtmlReplies.render(
                      ctx,
                      "page/check.jte",
                      Map.of(
                          "connect", view, "check", dev.portolan.frontend.view.CheckView.empty())));
            });
  }

  private void scan(RoutingContext ctx) {
    String id = ScanRoutes.validId(ctx);
    scans
        .nodeOf(id, ScanRoutes.nodeParam(ctx))
        .compose(
            node ->
                ask(
                    Addresses.onNode(node, Addresses.SCAN_STATUS),
                    new JsonObject().put("id", id).put("results", true)))
        .onSuccess(
            answer ->
                HtmlReplies.send(
                    ctx,
                    200,
                    "fragment/scan.jte",
                    "page/scan.jte",
                    Map.of("scan", views.of(ScanJson.snapshotFromJson(answer)))))
        .onFailure(e -> HtmlReplies.fail(ctx, e));
  }

  /**
   * Asks the scan to stop. For htmx: 204 and nothing swapped, since the page's event stream brings
   * the final state (an answer of its own could arrive after that state and overwrite it). Without
   * htmx: back to the scan's page.
   */
  private void cancel(RoutingContext ctx) {
    String id = ScanRoutes.validId(ctx);
    scans
        .nodeOf(id, ScanRoutes.nodeParam(ctx))
        .compose(
            node ->
                ask(Addresses.onNode(node, Addresses.SCAN_CANCEL), new JsonObject().put("id", id)))
        .onSuccess(
            answer -> {
              if (HtmlReplies.wantsFragment(ctx)) {
                ctx.response().setStatusCode(204).end();
              } else {
                ctx.response().setStatusCode(303).putHeader("Location", "/scans/" + id).end();
              }
            })
        .onFailure(e -> HtmlReplies.fail(ctx, e));
  }

  private String htmlEvent(ScanEvent e) {
    String html =
        switch (e.type()) {
          case PROGRESS ->
              Templates.render(
                  "fragment/scanprogress.jte",
                  Map.of("scan", views.progress(e.scanId(), e.done(), e.total())));
          case PORT ->
              Templates.render("fragment/scanport.jte", Map.of("row", views.row(e.result())));
          case DONE ->
              Templates.render("fragment/scanprogress.jte", Map.of("scan", views.of(e.status())));
        };
    return "event: " + e.type().wireName() + "\n" + SseFormat.dataLines(html.strip()) + "\n";
  }

  private Future<JsonObject> ask(String address, JsonObject body) {
    return NodeRequests.ask(vertx, address, body);
  }
}
