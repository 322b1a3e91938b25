package dev.portolan.api;

import dev.portolan.bus.OwnersReply;
import dev.portolan.bus.PortOwner;
import dev.portolan.http.ApiErrors;
import dev.portolan.http.QueryValues;
import dev.portolan.owner.ProcessInfo;
import dev.portolan.query.FleetApi;
import dev.portolan.socket.Protocol;
import dev.portolan.text.PortHolder;
import dev.portolan.text.WhoTable;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code GET /api/v1/owners} with {@code Accept: text/plain}: exactly what {@code portolan who}
 * prints for the same question (its table, {@link WhoTable}), and in the {@value #EXIT_CODE} header
 * the exit code it would end with (0 someone holds the port, 1 nobody does). Without {@code proto},
 * tcp and udp, as {@code portolan who PORT} asks; {@code bold=true} puts the header line in bold,
 * as the client prints it on a terminal. The launcher prints this answer as it is, without a JVM.
 */
public final class OwnersText {
  /** The response header with the exit code {@code portolan who} would end with. */
  public static final String EXIT_CODE = "Portolan-Exit-Code";

  private OwnersText() {}

  /** Whether the request asks for text: its {@code Accept} header names {@code text/plain}. */
  public static boolean asked(RoutingContext ctx) {
    String accept = ctx.request().getHeader("Accept");
    if (accept == null) {
      return false;
    }
    for (String range : accept.split(",")) {
      int parameters = range.indexOf(';');
      String type = (parameters < 0 ? range : range.substring(0, parameters)).strip();
      if (type.toLowerCase(Locale.ROOT).equals("text/plain")) {
        return true;
      }
    }
    return false;
  }

  /** The protocols asked: {@code proto}'s, or tcp and udp without it. */
  public static List<Protocol> protocols(Map<String, List<String>> params) {
    String proto = QueryValues.single(params, "proto");
    return proto == null
        ? List.of(Protocol.TCP, Protocol.UDP)
        : List.of(QueryValues.inetProtocol(proto));
  }

  /** Whether the request asks for a bold header ({@code bold=true}). */
  public static boolean bold(Map<String, List<String>> params) {
    String value = QueryValues.single(params, "bold");
    return value != null && !value.isBlank() && QueryValues.bool("bold", value);
  }

  /**
   * Answers who holds {@code port} of each of {@code protocols} (on {@code node}, or the fleet) as
   * text; a failure as the JSON API's {@code {error, detail}}.
   */
  public static void answer(
      RoutingContext ctx,
      FleetApi fleet,
      String node,
      List<Protocol> protocols,
      int port,
      boolean bold) {
    List<Future<OwnersReply>> answers = new ArrayList<>(protocols.size());
    for (Protocol proto : protocols) {
      answers.add(fleet.owners(node, proto, port, false));
    }
    Future.all(answers)
        .onComplete(
            ar -> {
              if (ar.failed()) {
                ApiErrors.fail(ctx, ar.cause());
                return;
              }
              List<PortHolder> held = new ArrayList<>();
              for (int i = 0; i < protocols.size(); i++) {
                held.addAll(holders(protocols.get(i), answers.get(i).result().owners()));
              }
              if (!ctx.response().closed()) {
                ctx.response()
                    .putHeader("Content-Type", "text/plain; charset=utf-8")
                    .putHeader(EXIT_CODE, Integer.toString(WhoTable.exitCode(held)))
                    .end(WhoTable.text(held, port, bold));
              }
            });
  }

  /**
   * {@code owners} (per node, namespace and holder) as the client groups them: one holder per node
   * and process (or kind of owner), listening when one of its sockets listens (a TCP listener, an
   * unconnected UDP socket).
   */
  static List<PortHolder> holders(Protocol proto, List<PortOwner> owners) {
    String listenState = proto == Protocol.TCP ? "listen" : "closed";
    PortHolder.Grouping groups = new PortHolder.Grouping();
    for (PortOwner o : owners) {
      ProcessInfo p = o.owner().process();
      groups.add(
          new PortHolder(
              o.node() == null ? "" : o.node(),
              proto.wireName(),
              o.owner().status().wireName(),
              p == null ? 0 : p.pid(),
              p == null ? null : p.name(),
              p == null ? null : p.user(),
              p == null ? null : p.cmdline(),
              o.sockets(),
              o.states().containsKey(listenState)));
    }
    return groups.holders();
  }
}
