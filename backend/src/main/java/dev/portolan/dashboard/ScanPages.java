package dev.portolan.dashboard;

import dev.portolan.bus.Addresses;
import dev.portolan.bus.ConnectivityRequest;
import dev.portolan.frontend.view.ConnectView;
import dev.portolan.node.RequestException;
import dev.portolan.bus.ScanEvent;
import dev.portolan.bus.ScanJson;
import dev.portolan.frontend.Templates;
import dev.portolan.frontend.view.ScanFormView;
import dev.portolan.frontend.view.ScanView;
import dev.portolan.frontend.view.ScansView;
import dev.portolan.node.QueryValues;
import dev.portolan.service.ServiceNames;
import dev.portolan.web.NodeRequests;
import dev.portolan.web.Params;
import dev.portolan.web.ScanEventStream;
import dev.portolan.web.ScanRoutes;
import dev.portolan.web.SseFormat;
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
 * The dashboard's scan pages: {@code /scans} (form and recent scans), {@code /scans/{id}} (one scan, live while it
 * runs: a progress bar and the ports found, over {@code /ui/scans/{id}/events}), starting ({@code POST /ui/scans})
 * and cancelling ({@code POST /ui/scans/{id}/cancel}).
 */
final class ScanPages {
  private static final Set<String> FORM_FIELDS = Set.of("target", "ports", "proto", "preset", "banners");

  private final Vertx vertx;
  private final ScanViews views;

  private final String node;

  private ScanPages(Vertx vertx, String node, ServiceNames services) {
    this.node = node;
    this.vertx = vertx;
    this.views = new ScanViews(services);
  }

  static void mount(Router router, Vertx vertx, String node, ServiceNames services) {
    ScanPages p = new ScanPages(vertx, node, services);
    router.get("/scans").handler(ctx -> p.guarded(ctx, () -> p.list(ctx, ScanFormView.defaults(), 200)));
    router.post("/ui/scans").handler(BodyHandler.create(false).setBodyLimit(16 * 1024)).handler(ctx -> p.guarded(ctx, () -> p.start(ctx)));
    router.get("/scans/:id").handler(ctx -> p.guarded(ctx, () -> p.scan(ctx)));
    router.post("/ui/scans/:id/cancel").handler(ctx -> p.guarded(ctx, () -> p.cancel(ctx)));
    router.post("/ui/connectivity").handler(BodyHandler.create(false).setBodyLimit(16 * 1024)).handler(ctx -> p.guarded(ctx, () -> p.connect(ctx)));
    router.get("/ui/scans/:id/events").handler(ctx -> p.guarded(ctx, () ->
        ScanEventStream.serve(vertx, p.node, ctx, ScanRoutes.validId(ctx), p::htmlEvent)));
  }

  private void guarded(RoutingContext ctx, Runnable page) {
    try {
      QueryValues.rejectUnknown(Params.of(ctx.queryParams()), Set.of());
      page.run();
    } catch (RuntimeException e) {
      HtmlReplies.fail(ctx, e);
    }
  }

  private void list(RoutingContext ctx, ScanFormView form, int status) {
    ask(Addresses.onNode(node, Addresses.SCAN_LIST), new JsonObject()).onSuccess(answer -> {
      List<ScanView> recent = new ArrayList<>();
      answer.getJsonArray("scans").forEach(s -> recent.add(views.of(ScanJson.snapshotFromJson((JsonObject) s))));
      HtmlReplies.send(ctx, status, "page/scans.jte", "page/scans.jte", Map.of("scans", new ScansView(form, recent)));
    }).onFailure(e -> HtmlReplies.fail(ctx, e));
  }

  private void start(RoutingContext ctx) {
    MultiMap form = ctx.request().formAttributes();
    JsonObject body = new JsonObject();
    for (String name : form.names()) {
      String value = form.get(name);
      if (name.equals("banners")) {
        body.put(name, "on".equals(value) || "true".equals(value));
      } else if (FORM_FIELDS.contains(name)) {
        body.put(name, value);
      }
    }
    ScanFormView asked = new ScanFormView(body.getString("target", ""), body.getString("ports", ScanRoutes.DEFAULT_PORTS),
        body.getString("proto", "tcp"), body.getString("preset", "normal"), body.getBoolean("banners", false), null);
    Future<JsonObject> started;
    try {
      started = ask(Addresses.onNode(node, Addresses.SCAN_START), ScanRoutes.parseRequest(body).toJson());
    } catch (RequestException e) {
      refused(ctx, asked, e);
      return;
    }
    started.onSuccess(answer -> {
      ScanView scan = views.of(ScanJson.snapshotFromJson(answer));
      if (HtmlReplies.wantsFragment(ctx)) {
        ctx.response().putHeader("HX-Push-Url", scan.href());
        HtmlReplies.send(ctx, 200, Templates.render("fragment/scan.jte", Map.of("scan", scan)));
      } else {
        ctx.response().setStatusCode(303).putHeader("Location", scan.href()).end();
      }
    }).onFailure(e -> {
      if (e instanceof RequestException r) {
        refused(ctx, asked, r);
      } else {
        HtmlReplies.fail(ctx, e);
      }
    });
  }

  /** A refused scan: the reason where the scan would have appeared (htmx), or the form again with it. */
  private void refused(RoutingContext ctx, ScanFormView asked, RequestException e) {
    if (HtmlReplies.wantsFragment(ctx)) {
      HtmlReplies.error(ctx, e.status(), HtmlReplies.title(e.error()), e.detail());
      return;
    }
    list(ctx, new ScanFormView(asked.target(), asked.ports(), asked.proto(), asked.preset(), asked.banners(),
        HtmlReplies.title(e.error()) + ": " + e.detail()), e.status());
  }

  /** "Can this node connect to host:port?" from the check page's form: the answer in words. */
  private void connect(RoutingContext ctx) {
    String host = ctx.request().getFormAttribute("host") == null ? "" : ctx.request().getFormAttribute("host").strip();
    String port = ctx.request().getFormAttribute("port") == null ? "" : ctx.request().getFormAttribute("port").strip();
    ConnectivityRequest request;
    try {
      JsonObject body = new JsonObject().put("host", host);
      if (!port.isEmpty()) {
        body.put("port", port);
      }
      request = ScanRoutes.parseConnectivity(body);
    } catch (RequestException e) {
      sendConnect(ctx, e.status(), new ConnectView(host, port, "error", HtmlReplies.title(e.error()) + ": " + e.detail(), null));
      return;
    }
    NodeRequests.ask(vertx, Addresses.onNode(node, Addresses.CONNECTIVITY), request.toJson(), request.timeoutMillis() + NodeRequests.TIMEOUT_MILLIS)
        .onSuccess(a -> {
          String facts = "To " + a.getString("address") + " port " + a.getInteger("port")
              + (a.getString("localAddress") == null ? "" : " from " + a.getString("localAddress"))
              + String.format(java.util.Locale.ROOT, ", %.1f ms", a.getDouble("elapsedMillis"));
          sendConnect(ctx, 200, new ConnectView(host, port, a.getString("status"), a.getString("reason"), facts));
        }).onFailure(e -> {
          if (e instanceof RequestException r) {
            sendConnect(ctx, r.status(), new ConnectView(host, port, "error", HtmlReplies.title(r.error()) + ": " + r.detail(), null));
          } else {
            HtmlReplies.fail(ctx, e);
          }
        });
  }

  private static void sendConnect(RoutingContext ctx, int status, ConnectView view) {
    HtmlReplies.send(ctx, status, "fragment/connectanswer.jte", "page/check.jte",
        Map.of("connect", view, "check", dev.portolan.frontend.view.CheckView.empty()));
  }

  private void scan(RoutingContext ctx) {
    ask(Addresses.onNode(node, Addresses.SCAN_STATUS), new JsonObject().put("id", ScanRoutes.validId(ctx)).put("results", true))
        .onSuccess(answer -> HtmlReplies.send(ctx, 200, "fragment/scan.jte", "page/scan.jte",
            Map.of("scan", views.of(ScanJson.snapshotFromJson(answer)))))
        .onFailure(e -> HtmlReplies.fail(ctx, e));
  }

  /**
   * Asks the scan to stop. For htmx: 204 and nothing swapped, since the page's event stream brings the final state
   * (an answer of its own could arrive after that state and overwrite it). Without htmx: back to the scan's page.
   */
  private void cancel(RoutingContext ctx) {
    String id = ScanRoutes.validId(ctx);
    ask(Addresses.onNode(node, Addresses.SCAN_CANCEL), new JsonObject().put("id", id))
        .onSuccess(answer -> {
          if (HtmlReplies.wantsFragment(ctx)) {
            ctx.response().setStatusCode(204).end();
          } else {
            ctx.response().setStatusCode(303).putHeader("Location", "/scans/" + id).end();
          }
        })
        .onFailure(e -> HtmlReplies.fail(ctx, e));
  }

  private String htmlEvent(ScanEvent e) {
    String html = switch (e.type()) {
      case PROGRESS -> Templates.render("fragment/scanprogress.jte", Map.of("scan", views.progress(e.scanId(), e.done(), e.total())));
      case PORT -> Templates.render("fragment/scanport.jte", Map.of("row", views.row(e.result())));
      case DONE -> Templates.render("fragment/scanprogress.jte", Map.of("scan", views.of(e.status())));
    };
    return "event: " + e.type().wireName() + "\n" + SseFormat.dataLines(html.strip()) + "\n";
  }

  private Future<JsonObject> ask(String address, JsonObject body) {
    return NodeRequests.ask(vertx, address, body);
  }
}
