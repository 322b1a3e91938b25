package dev.portolan.access.http;

import dev.portolan.access.AllowedHosts;
import dev.portolan.http.ApiErrors;
import dev.portolan.http.ErrorPages;
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
    HttpServerRequest request = ctx.request();
    HostAndPort authority = request.authority();
    String path = request.path();
    if (authority == null) {
      if (request.getHeader("Host") != null || request.version() == HttpVersion.HTTP_2) {
        misdirected(ctx, path, "the request's Host cannot be read");
      } else {
        ctx.next();
      }
      return;
    }
    if (!hosts.acceptsHost(authority.host())) {
      misdirected(
          ctx,
          path,
          "this node does not answer to the host "
              + QueryValues.echo(authority.host())
              + ": reach it by its address, localhost, or a name given with --public-host");
      return;
    }
    String origin = request.getHeader("Origin");
    if (origin != null
        && changesState(request.method())
        && !hosts.acceptsOrigin(origin, authority.host(), authority.port(), tls)) {
      String detail =
          "the request comes from " + QueryValues.echo(origin) + ", not from this node's own pages";
      if (answersJson(path)) {
        ApiErrors.send(ctx, 403, "forbidden", detail);
      } else {
        pages.error(ctx, 403, "Not allowed", detail);
      }
      return;
    }
    ctx.next();
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
