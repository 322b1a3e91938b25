package dev.portolan.http;

import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Requests no route answers, as JSON errors like every other: HTTP the server could not parse (an
 * over-long request line or headers, a broken request line, answered by Vert.x before any route
 * with an empty body otherwise), a path that cannot be decoded, no route has, or a method the path
 * does not take (the router's 400, 404 and 405).
 */
public final class InvalidRequests {
  private InvalidRequests() {}

  /**
   * For {@code HttpServer.invalidRequestHandler}: 414, 431 or 400 with a JSON body, then the
   * connection closes.
   */
  public static void answer(HttpServerRequest request) {
    Throwable cause = request.decoderResult() == null ? null : request.decoderResult().cause();
    int status;
    String error;
    String detail;
    if (cause instanceof TooLongHttpLineException) {
      status = 414;
      error = "request line too long";
      detail =
          "the request line (method, path and query) is over "
              + HttpServerOptions.DEFAULT_MAX_INITIAL_LINE_LENGTH
              + " characters; use fewer or shorter parameters";
    } else if (cause instanceof TooLongHttpHeaderException) {
      status = 431;
      error = "headers too large";
      detail =
          "the request headers are over "
              + HttpServerOptions.DEFAULT_MAX_HEADER_SIZE
              + " bytes in all; send fewer or"
              + " shorter headers";
    } else {
      status = 400;
      error = "bad request";
      detail =
          "not a valid HTTP request"
              + (cause == null || cause.getMessage() == null
                  ? ""
                  : ": " + QueryValues.echo(cause.getMessage()));
    }
    request
        .response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .putHeader("Connection", "close")
        .end(new JsonObject().put("error", error).put("detail", detail).encode())
        .onComplete(done -> request.connection().close());
  }

  /**
   * The router's own 400 (a path that is not valid percent-encoding), 404 (no route has the path)
   * and 405 (the path takes other methods) as JSON errors; and, before any body is read, what the
   * body handler would fail on with an exception (a 500, or no answer at all): a multipart body
   * without a boundary, and a request with a body whose query string is not valid percent-encoding
   * (the handler merges form fields into the query parameters, and an exception there leaves the
   * request unanswered). Mount before every other route.
   */
  public static void mount(Router router, ErrorPages pages) {
    router.route().handler(ctx -> undecodableBodyRequest(ctx, pages));
    RouteMethods.mount(router);
    router.errorHandler(
        400,
        ctx ->
            ApiErrors.send(
                ctx,
                400,
                "bad request",
                "the path is not valid: "
                    + QueryValues.echo(ctx.request().uri())
                    + (ctx.failure() == null || ctx.failure().getCause() == null
                        ? ""
                        : " (" + QueryValues.echo(ctx.failure().getCause().getMessage()) + ")")));
    router.errorHandler(404, ctx -> notFound(ctx, pages));
    router.errorHandler(
        405,
        ctx ->
            ApiErrors.send(
                ctx,
                405,
                "method not allowed",
                ctx.request().method()
                    + " is not a method "
                    + QueryValues.echo(ctx.request().path())
                    + " takes"));
  }

  /**
   * Nothing at the path: a page request (see {@link #isPage}) gets the dashboard's error page, an
   * API request JSON.
   */
  public static void notFound(RoutingContext ctx, ErrorPages pages) {
    String detail =
        "nothing at " + ctx.request().method() + " " + QueryValues.echo(ctx.request().path());
    if (isPage(ctx)) {
      pages.error(ctx, 404, "Not found", detail);
    } else {
      ApiErrors.send(ctx, 404, "not found", detail);
    }
  }

  /**
   * Whether a request is a browser's for a page: GET or HEAD of a path outside the API, {@code
   * /health} and {@code /metrics}.
   */
  public static boolean isPage(RoutingContext ctx) {
    String path = ctx.request().path();
    io.vertx.core.http.HttpMethod method = ctx.request().method();
    return (method == io.vertx.core.http.HttpMethod.GET
            || method == io.vertx.core.http.HttpMethod.HEAD)
        && path != null
        && !path.startsWith("/api/")
        && !path.equals("/health")
        && !path.equals("/metrics");
  }

  private static void undecodableBodyRequest(RoutingContext ctx, ErrorPages pages) {
    // Answered here, before any handler: access control and the handlers read the path and the
    // query, and an
    // exception there is a 500 (or, for a request with a body, no answer at all).
    try {
      ctx.normalizedPath();
    } catch (IllegalArgumentException e) {
      ApiErrors.send(
          ctx,
          400,
          "bad request",
          "the path is not valid: "
              + QueryValues.echo(ctx.request().uri())
              + " ("
              + QueryValues.echo(e.getMessage())
              + ")");
      return;
    }
    try {
      ctx.request().params();
    } catch (IllegalArgumentException e) {
      if (isPage(ctx)) {
        pages.fail(ctx, new io.vertx.ext.web.handler.HttpException(400, e));
      } else {
        ApiErrors.fail(ctx, new io.vertx.ext.web.handler.HttpException(400, e));
      }
      return;
    }
    String type = ctx.request().getHeader("Content-Type");
    if (type != null
        && type.strip().toLowerCase(java.util.Locale.ROOT).startsWith("multipart/")
        && !hasBoundary(type)) {
      ApiErrors.send(
          ctx,
          400,
          "invalid content type",
          QueryValues.echo(type)
              + " has no boundary; a multipart"
              + " body needs one, like multipart/form-data; boundary=x");
      return;
    }
    ctx.next();
  }

  /** Whether a multipart content type names a boundary that is not empty. */
  public static boolean hasBoundary(String contentType) {
    for (String param : contentType.split(";")) {
      String p = param.strip();
      int eq = p.indexOf('=');
      if (eq > 0 && p.substring(0, eq).strip().equalsIgnoreCase("boundary")) {
        String value = p.substring(eq + 1).strip();
        if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
          value = value.substring(1, value.length() - 1);
        }
        return !value.isBlank() && !value.equals("\"");
      }
    }
    return false;
  }
}
