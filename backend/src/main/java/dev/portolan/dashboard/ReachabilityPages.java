package dev.portolan.dashboard;

import dev.portolan.audit.AuditKind;
import dev.portolan.frontend.view.ReachRow;
import dev.portolan.frontend.view.ReachabilityView;
import dev.portolan.http.Params;
import dev.portolan.http.QueryValues;
import dev.portolan.http.RequestException;
import dev.portolan.query.FleetApi;
import dev.portolan.query.Reachability;
import dev.portolan.query.ScanGate;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The reachability matrix of a service: {@code GET /reachability} (the form, filled in from {@code
 * ?host=&port=[&timeout=]} so that a check is a link; a GET never runs one: a link or an {@code
 * <img>} elsewhere must not send probes) and {@code POST /ui/reachability} (runs it: the matrix as
 * an htmx fragment, pushing the link, or the whole page). One row per live node, from {@link
 * Reachability}.
 */
final class ReachabilityPages {
  private final Reachability reachability;
  private final ScanGate gate;

  private ReachabilityPages(Vertx vertx, FleetApi fleet, ScanGate gate) {
    this.reachability = new Reachability(vertx, fleet);
    this.gate = gate;
  }

  static void mount(Router router, Vertx vertx, FleetApi fleet, ScanGate gate) {
    ReachabilityPages p = new ReachabilityPages(vertx, fleet, gate);
    router.get("/reachability").handler(p::show);
    router
        .post("/ui/reachability")
        .handler(BodyHandler.create(false).setBodyLimit(16 * 1024))
        .handler(p::ask);
  }

  private void show(RoutingContext ctx) {
    try {
      Map<String, List<String>> params = Params.of(ctx.queryParams());
      QueryValues.rejectUnknown(params, Set.of("host", "port", "timeout"));
      String host = value(QueryValues.single(params, "host"));
      String port = value(QueryValues.single(params, "port"));
      String timeout = value(QueryValues.single(params, "timeout"));
      send(ctx, 200, ReachabilityView.filledIn(host, port, timeout));
    } catch (RuntimeException e) {
      HtmlReplies.fail(ctx, e);
    }
  }

  private void ask(RoutingContext ctx) {
    String host = value(ctx.request().getFormAttribute("host"));
    String port = value(ctx.request().getFormAttribute("port"));
    String timeout = value(ctx.request().getFormAttribute("timeout"));
    run(ctx, host, port, timeout);
  }

  private void run(RoutingContext ctx, String host, String port, String timeout) {
    Reachability.Request request;
    ScanGate.Attempt attempt = null;
    try {
      attempt =
          gate.enter(
              ctx,
              AuditKind.REACHABILITY,
              null,
              host.isEmpty() ? null : host,
              port.isEmpty() ? null : port);
      JsonObject body = new JsonObject();
      if (!host.isEmpty()) {
        body.put("host", host);
      }
      if (!port.isEmpty()) {
        body.put("port", port);
      }
      if (!timeout.isEmpty()) {
        body.put("timeoutMillis", timeout);
      }
      request = Reachability.parse(body);
    } catch (RequestException e) {
      if (attempt != null) {
        attempt.refused(e);
      }
      send(
          ctx,
          e.status(),
          ReachabilityView.refused(
              host, port, timeout, HtmlReplies.title(e.error()) + ": " + e.detail()));
      return;
    }
    ScanGate.Attempt audited = attempt;
    reachability
        .run(request, dev.portolan.http.Caller.name(ctx))
        .onSuccess(audited::matrix)
        .onFailure(audited::refused)
        .onSuccess(
            answer -> {
              if (HtmlReplies.wantsFragment(ctx)) {
                ctx.response().putHeader("HX-Push-Url", href(host, port, timeout));
              }
              send(ctx, 200, view(host, port, timeout, answer));
            })
        .onFailure(
            e -> {
              if (e instanceof RequestException r) {
                send(
                    ctx,
                    r.status(),
                    ReachabilityView.refused(
                        host, port, timeout, HtmlReplies.title(r.error()) + ": " + r.detail()));
              } else {
                HtmlReplies.fail(ctx, e);
              }
            });
  }

  /** The page's view of a {@link Reachability} answer, the form as typed. */
  static ReachabilityView view(
      String host, String port, String timeout, Reachability.Answer answer) {
    List<ReachRow> rows = new ArrayList<>();
    boolean refusedByPolicy = false;
    for (Reachability.Row r : answer.results()) {
      String status = r.status();
      refusedByPolicy |= "not-allowed".equals(status);
      Double millis = r.millis();
      String local = r.localAddress();
      String to = r.address();
      String path = to == null ? "" : (local == null ? "" : local + " → ") + to;
      rows.add(
          new ReachRow(
              r.node(),
              status,
              label(status, r.answered()),
              r.reason(),
              millis == null ? "" : millisText(millis),
              path));
    }
    int reachable = answer.reachableFrom();
    int of = answer.of();
    String target = endpoint(answer.host(), answer.port());
    return new ReachabilityView(
        host,
        port,
        timeout,
        null,
        true,
        target,
        rows,
        reachable,
        of,
        summary(reachable, of),
        refusedByPolicy ? Reachability.policyHint() : null);
  }

  /** A status in words; {@code error} without an answer is "no answer". */
  static String label(String status, boolean answered) {
    return switch (status == null ? "error" : status) {
      case "connected" -> "connected";
      case "refused" -> "refused";
      case "timeout" -> "timed out";
      case "no-route" -> "no route";
      case "host-unreachable" -> "host unreachable";
      case "not-allowed" -> "not allowed";
      case "node-down" -> "node down";
      default -> answered ? "error" : "no answer";
    };
  }

  static String summary(int reachable, int of) {
    if (of == 0) {
      return "No live node to check from.";
    }
    if (reachable == of) {
      return of == 1 ? "Reachable from the one node." : "Reachable from all " + of + " nodes.";
    }
    if (reachable == 0) {
      return of == 1
          ? "Not reachable from the one node."
          : "Not reachable from any of the " + of + " nodes.";
    }
    return "Reachable from " + reachable + " of " + of + " nodes.";
  }

  private static String endpoint(String host, int port) {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }

  private static String millisText(double millis) {
    return millis < 10
        ? String.format(Locale.ROOT, "%.1f ms", millis)
        : String.format(Locale.ROOT, "%,.0f ms", millis);
  }

  static String href(String host, String port, String timeout) {
    StringBuilder b =
        new StringBuilder("/reachability?host=")
            .append(enc(host))
            .append("&port=")
            .append(enc(port));
    if (!timeout.isEmpty()) {
      b.append("&timeout=").append(enc(timeout));
    }
    return b.toString();
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static String value(String s) {
    return s == null ? "" : s.strip();
  }

  private static void send(RoutingContext ctx, int status, ReachabilityView view) {
    HtmlReplies.send(
        ctx, status, "fragment/reachability.jte", "page/reachability.jte", Map.of("reach", view));
  }
}
