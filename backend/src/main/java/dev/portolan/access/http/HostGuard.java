package dev.portolan.access.http;

import dev.portolan.access.AllowedHosts;
import dev.portolan.http.ApiErrors;
import dev.portolan.http.ErrorPages;
import dev.portolan.http.JsonErrors;
import dev.portolan.http.QueryValues;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.HostAndPort;
import io.vertx.ext.web.RoutingContext;

/**
 * The first check of every request, against DNS rebinding: a {@code Host} (HTTP/2: {@code
 * :authority}) that names this node ({@link AllowedHosts}), else 421 Misdirected Request; on a
 * request that changes state, an {@code Origin} (when sent) that is this node as that {@code Host}
 * reaches it, else 403. A request without any {@code Host} (HTTP/1.0) passes: no browser sends one,
 * so no page can rebind it.
 */
public final class HostGuard {
  /**
   * How often a node bound to every address reads its interfaces' addresses again (each is a Host
   * it answers to).
   */
  private static final long INTERFACES_MILLIS = 30_000;

  private final AllowedHosts hosts;
  private final boolean tls;
  private final ErrorPages pages;

  /**
   * Answers the Hosts {@code hosts} names, on a node serving HTTPS when {@code tls}; refusals of
   * pages as {@code pages} renders them.
   */
  public HostGuard(AllowedHosts hosts, boolean tls, ErrorPages pages) {
    this.pages = pages;
    this.hosts = hosts;
    this.tls = tls;
  }

  /**
   * Reads the interfaces' addresses (off the event loop) when the node is bound to every address,
   * and again every 30 s (interfaces come and go); done at once otherwise.
   */
  public Future<?> start(Vertx vertx) {
    if (!hosts.wildcard()) {
      return Future.succeededFuture();
    }
    vertx.setPeriodic(
        INTERFACES_MILLIS,
        id ->
            vertx
                .executeBlocking(AllowedHosts::interfaceAddresses)
                .onSuccess(hosts::refreshInterfaces));
    return vertx
        .executeBlocking(AllowedHosts::interfaceAddresses)
        .onSuccess(hosts::refreshInterfaces);
  }

  /** The route handler: refuses the request, or passes it on. */
  public void handle(RoutingContext ctx) {
    Refusal refusal = refusal(ctx.request());
    if (refusal == null) {
      ctx.next();
    } else if (refusal.status() == 421) {
      misdirected(ctx, ctx.request().path(), refusal.detail());
    } else if (answersJson(ctx.request().path())) {
      ApiErrors.send(ctx, refusal.status(), "forbidden", refusal.detail());
    } else {
      pages.error(ctx, refusal.status(), "Not allowed", refusal.detail());
    }
  }

  /**
   * The check for a server without a router (an agent's /health and /metrics, which answer JSON):
   * true when {@code request} passes; else it has been answered (421 or 403, JSON as {@link
   * ApiErrors} writes it).
   */
  public boolean admits(HttpServerRequest request) {
    Refusal refusal = refusal(request);
    if (refusal == null) {
      return true;
    }
    JsonErrors.send(
        request.response(),
        refusal.status(),
        refusal.status() == 421 ? "misdirected request" : "forbidden",
        refusal.detail());
    return false;
  }

  /** Why a request is refused: its status (421 or 403) and the detail said to the client. */
  private record Refusal(int status, String detail) {}

  /** Null when {@code request} passes. */
  private Refusal refusal(HttpServerRequest request) {
    HostAndPort authority = request.authority();
    if (authority == null) {
      return request.getHeader("Host") != null || request.version() == HttpVersion.HTTP_2
          ? new Refusal(421, "the request's Host cannot be read")
          : null;
    }
    if (!hosts.acceptsHost(authority.host())) {
      return new Refusal(
          421,
          "this node does not answer to the host "
              + QueryValues.echo(authority.host())
              + ": reach it by its address, localhost, or a name given with --public-host");
    }
    String origin = request.getHeader("Origin");
    if (origin != null
        && changesState(request.method())
        && !hosts.acceptsOrigin(origin, authority.host(), authority.port(), tls)) {
      return new Refusal(
          403,
          "the request comes from "
              + QueryValues.echo(origin)
              + ", not from this node's own pages");
    }
    return null;
  }

  private static boolean changesState(HttpMethod m) {
    return m == HttpMethod.POST
        || m == HttpMethod.PUT
        || m == HttpMethod.DELETE
        || m == HttpMethod.PATCH;
  }

  private static boolean answersJson(String path) {
    return path.startsWith("/api/")
        || path.equals("/api")
        || path.equals("/metrics")
        || path.equals("/health");
  }

  /** 421: JSON where the API answers, else a short page (no template, no session). */
  private static void misdirected(RoutingContext ctx, String path, String detail) {
    if (answersJson(path)) {
      ApiErrors.send(ctx, 421, "misdirected request", detail);
      return;
    }
    String text =
        detail
            .replace("&", "&amp;")
            .replace("<", "&lt;")
            .replace(">", "&gt;")
            .replace("\"", "&quot;");
    ctx.response()
        .setStatusCode(421)
        .putHeader("Content-Type", "text/html; charset=utf-8")
        .putHeader("Cache-Control", "no-store")
        .end(
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Misdirected request</title></head>"
                + "<body><h1>Misdirected request</h1><p>"
                + text
                + ".</p></body></html>\n");
  }
}
