package dev.portolan.http;

import io.vertx.ext.auth.User;
import io.vertx.ext.web.RoutingContext;

/**
 * Who is making a request: the authenticated user's name, or {@value #ANONYMOUS} where the node
 * runs without authentication (bound to loopback, or started with {@code --insecure}).
 */
public final class Caller {
  /** The name given to requests made without authentication. */
  public static final String ANONYMOUS = "anonymous";

  private Caller() {}

  /** The caller's user name: the authenticated user's subject, else {@value #ANONYMOUS}. */
  public static String name(RoutingContext ctx) {
    User user = ctx.user();
    String subject = user == null ? null : user.subject();
    return subject == null || subject.isBlank() ? ANONYMOUS : subject;
  }
}
