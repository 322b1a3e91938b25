package dev.portolan.dashboard;

import dev.portolan.audit.AuditKind;
import dev.portolan.bus.ConnectivityRequest;
import dev.portolan.bus.WhyReply;
import dev.portolan.bus.WhyRequest;
import dev.portolan.frontend.view.WhyView;
import dev.portolan.http.Caller;
import dev.portolan.http.InvalidQueryException;
import dev.portolan.http.QueryValues;
import dev.portolan.http.RequestException;
import dev.portolan.query.FleetApi;
import dev.portolan.query.ScanGate;
import dev.portolan.query.WhyQueries;
import dev.portolan.scan.IpLiterals;
import dev.portolan.socket.Protocol;
import dev.portolan.why.WhyAnswer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The check page's "why?" form ({@code POST /ui/why}): the troubleshooting answer of {@code GET
 * /api/v1/why} as a fragment (htmx) or the whole check page. Operators only, like the connection
 * check: a connect question sends packets, and is audited as one.
 */
final class WhyPages {
  private final WhyQueries why;
  private final ScanGate gate;
  private final String localNode;

  private WhyPages(Vertx vertx, FleetApi fleet, ScanGate gate) {
    this.why = new WhyQueries(vertx, fleet);
    this.gate = gate;
    this.localNode = fleet.localNode();
  }

  static void mount(Router router, Vertx vertx, FleetApi fleet, ScanGate gate) {
    WhyPages p = new WhyPages(vertx, fleet, gate);
    router
        .post("/ui/why")
        .handler(BodyHandler.create(false).setBodyLimit(16 * 1024))
        .handler(p::ask);
  }

  private void ask(RoutingContext ctx) {
    String kind = form(ctx, "kind").toLowerCase(Locale.ROOT);
    String target = form(ctx, "target");
    String address = form(ctx, "address");
    String node = form(ctx, "node").isEmpty() ? null : form(ctx, "node");
    Future<WhyReply> answer;
    try {
      answer = question(ctx, kind, target, address, node);
    } catch (RequestException e) {
      send(
          ctx,
          e.status(),
          WhyView.refused(
              kind, target, address, node, HtmlReplies.title(e.error()) + ": " + e.detail()));
      return;
    }
    answer
        .onSuccess(a -> send(ctx, 200, view(kind, target, address, a.answer())))
        .onFailure(
            e -> {
              if (e instanceof RequestException r) {
                send(
                    ctx,
                    r.status(),
                    WhyView.refused(
                        kind,
                        target,
                        address,
                        node,
                        HtmlReplies.title(r.error()) + ": " + r.detail()));
              } else {
                HtmlReplies.fail(ctx, e);
              }
            });
  }

  private Future<WhyReply> question(
      RoutingContext ctx, String kind, String target, String address, String node) {
    switch (kind) {
      case "bind", "port" -> {
        String[] protoPort = protoPort(target);
        Protocol proto = QueryValues.inetProtocol(protoPort[0]);
        int port = QueryValues.port("port", protoPort[1]);
        if (port == 0) {
          throw new InvalidQueryException("invalid port", "give a port from 1 to 65535");
        }
        String bindTo = null;
        if (kind.equals("bind") && !address.isEmpty()) {
          try {
            bindTo = IpLiterals.text(IpLiterals.address(address));
          } catch (RuntimeException e) {
            throw new InvalidQueryException(
                "invalid address", QueryValues.echo(address) + " is not an IP address");
          }
        }
        return why.ask(
            node,
            new WhyRequest(
                kind.equals("bind") ? WhyRequest.BIND : WhyRequest.PORT, proto, port, bindTo));
      }
      case "connect" -> {
        int colon = target.lastIndexOf(':');
        if (colon <= 0 || colon == target.length() - 1) {
          throw new InvalidQueryException(
              "invalid target", "a connect question is HOST:PORT, e.g. db.internal:5432");
        }
        String host = target.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
          host = host.substring(1, host.length() - 1);
        }
        String port = target.substring(colon + 1);
        ScanGate.Attempt attempt = gate.enter(ctx, AuditKind.CONNECTIVITY, node, host, port);
        ConnectivityRequest request;
        try {
          request = ConnectivityRequest.parse(new JsonObject().put("host", host).put("port", port));
        } catch (RuntimeException e) {
          attempt.refused(e);
          throw e;
        }
        return why.connect(attempt, Caller.name(ctx), node, request);
      }
      default ->
          throw new InvalidQueryException(
              "invalid question", "ask about bind, connect or port, not " + QueryValues.echo(kind));
    }
  }

  /** {"tcp", "8080"} from tcp/8080, 8080/tcp or 8080. */
  private static String[] protoPort(String text) {
    String[] parts = text.toLowerCase(Locale.ROOT).split("/", -1);
    if (parts.length == 1 && !parts[0].isEmpty()) {
      return new String[] {"tcp", parts[0]};
    }
    if (parts.length == 2 && (parts[0].equals("tcp") || parts[0].equals("udp"))) {
      return new String[] {parts[0], parts[1]};
    }
    if (parts.length == 2 && (parts[1].equals("tcp") || parts[1].equals("udp"))) {
      return new String[] {parts[1], parts[0]};
    }
    throw new InvalidQueryException(
        "invalid target", "a bind or port question is tcp/PORT, udp/PORT or PORT");
  }

  private WhyView view(String kind, String target, String address, WhyAnswer a) {
    List<String> facts = new ArrayList<>();
    for (WhyAnswer.Finding f : a.findings()) {
      if (f.severity() == WhyAnswer.Severity.INFO) {
        facts.add(f.sentence());
      }
    }
    List<WhyView.Row> rows = new ArrayList<>();
    for (WhyAnswer.Evidence e : a.evidence()) {
      rows.add(
          new WhyView.Row(
              e.role(),
              e.pid() == 0 ? "-" : Integer.toString(e.pid()),
              e.process() == null ? "(kernel)" : e.process(),
              e.user() == null ? "-" : e.user(),
              e.local(),
              e.remote() == null ? "-" : e.remote(),
              e.state(),
              e.namespace() == null ? "host" : e.namespace(),
              Integer.toString(e.sockets()),
              e.pid() == 0 ? null : "/processes/" + Links.segment(a.node()) + "/" + e.pid()));
    }
    return new WhyView(
        kind,
        target,
        address,
        a.node() == null || a.node().equals(localNode) ? null : a.node(),
        a.problem() ? "problem" : "ok",
        a.verdict(),
        a.sentence(),
        facts,
        rows);
  }

  private static void send(RoutingContext ctx, int status, WhyView view) {
    HtmlReplies.send(
        ctx,
        status,
        "fragment/whyanswer.jte",
        "page/check.jte",
        Map.of("check", dev.portolan.frontend.view.CheckView.empty(), "why", view));
  }

  private static String form(RoutingContext ctx, String name) {
    String v = ctx.request().getFormAttribute(name);
    return v == null ? "" : v.strip();
  }
}
