package dev.portolan.access.http;

import io.vertx.core.MultiMap;
import io.vertx.ext.web.RoutingContext;

/**
 * The headers every response carries: a Content-Security-Policy that allows scripts, styles and
 * connections from this origin only (no inline script or style, no eval) and no framing, the same
 * said to older browsers ({@code X-Frame-Options}), no referrer beyond this origin, no content
 * sniffing, and HSTS under HTTPS.
 */
public final class SecurityHeaders {
  public static final String CSP =
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
          + " connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self';"
          + " frame-ancestors 'none'";

  private final boolean tls;

  public SecurityHeaders(boolean tls) {
    this.tls = tls;
  }

  public void handle(RoutingContext ctx) {
    MultiMap h = ctx.response().headers();
    h.set("Content-Security-Policy", CSP);
    h.set("X-Frame-Options", "DENY");
    h.set("Referrer-Policy", "same-origin");
    h.set("X-Content-Type-Options", "nosniff");
    if (tls) {
      h.set("Strict-Transport-Security", "max-age=31536000");
    }
    ctx.next();
  }
}
