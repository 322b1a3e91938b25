package dev.portolan.http;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * HTTP's method conventions over a router's routes: {@code HEAD} works wherever {@code GET} does
 * (the request is routed as a {@code GET} whose body the server does not send; an event stream
 * answers its headers and ends), and a method a path does not take is a 405 whose {@code Allow}
 * header lists those it does, before anything else looks at the request (a body's content type,
 * access control). Paths no route names go on to the router's 404. Which methods a path takes comes
 * from the routes that name both (catch-alls and guards name no method); read once, at the first
 * request, when every route is mounted.
 */
public final class RouteMethods {
  /** Set on a request routed as GET for a HEAD (see {@link #isHead}). */
  private static final String HEAD = "portolan.head";

  private record Pattern1(Pattern path, Set<HttpMethod> methods) {}

  private final Router router;
  private volatile List<Pattern1> patterns;

  private RouteMethods(Router router) {
    this.router = router;
  }

  /** Mounts the conventions first on {@code router} (before every other route). */
  public static void mount(Router router) {
    RouteMethods methods = new RouteMethods(router);
    router.route().handler(methods::handle);
  }

  /**
   * Whether this request came as a {@code HEAD}: a handler that streams (an event stream, which
   * never ends) answers with its headers and ends instead.
   */
  public static boolean isHead(RoutingContext ctx) {
    return Boolean.TRUE.equals(ctx.get(HEAD));
  }

  /**
   * The methods routes take at {@code path} ({@code HEAD} where {@code GET}), in order; or none.
   */
  public Set<HttpMethod> at(String path) {
    Set<HttpMethod> out = new LinkedHashSet<>();
    for (Pattern1 p : patterns()) {
      if (p.path().matcher(path).matches()) {
        out.addAll(p.methods());
      }
    }
    if (out.contains(HttpMethod.GET)) {
      out.add(HttpMethod.HEAD);
    }
    return out;
  }

  private void handle(RoutingContext ctx) {
    HttpMethod method = ctx.request().method();
    String path;
    try {
      path = ctx.normalizedPath();
    } catch (IllegalArgumentException undecodable) {
      ctx.next(); // answered as a 400 further on
      return;
    }
    if (isHead(ctx)) {
      ctx.next(); // already rerouted
      return;
    }
    Set<HttpMethod> allowed = at(path);
    if (allowed.isEmpty() || allowed.contains(method) && method != HttpMethod.HEAD) {
      ctx.next();
    } else if (method == HttpMethod.HEAD && allowed.contains(HttpMethod.GET)) {
      ctx.put(HEAD, true);
      ctx.reroute(HttpMethod.GET, ctx.request().uri());
    } else if (method == HttpMethod.OPTIONS) {
      ctx.response().setStatusCode(204).putHeader("Allow", allow(allowed, true)).end();
    } else {
      ctx.response().putHeader("Allow", allow(allowed, true));
      ApiErrors.send(
          ctx,
          405,
          "method not allowed",
          method.name()
              + " is not a method "
              + QueryValues.echo(path)
              + " takes; it takes "
              + allow(allowed, false));
    }
  }

  private static String allow(Set<HttpMethod> allowed, boolean withOptions) {
    List<String> names = new ArrayList<>(allowed.stream().map(HttpMethod::name).toList());
    if (withOptions) {
      names.add(HttpMethod.OPTIONS.name());
    }
    return String.join(", ", names);
  }

  private List<Pattern1> patterns() {
    List<Pattern1> p = patterns;
    if (p == null) {
      p = new ArrayList<>();
      for (Route route : router.getRoutes()) {
        Set<HttpMethod> methods = route.methods();
        Pattern path = pathPattern(route);
        if (methods != null && !methods.isEmpty() && path != null) {
          p.add(new Pattern1(path, Collections.unmodifiableSet(new LinkedHashSet<>(methods))));
        }
      }
      patterns = p = List.copyOf(p);
    }
    return p;
  }

  /**
   * A route's path as a pattern: {@code /a/:id} matches one segment for {@code :id}, a path that is
   * not exact ({@code /static/*}) matches what starts with it, a regex route its regex.
   */
  static Pattern pathPattern(Route route) {
    String path = route.getPath();
    if (path == null) {
      return route.isRegexPath() && route.getName() != null
          ? Pattern.compile(route.getName())
          : null;
    }
    String regex =
        java.util.Arrays.stream(path.split("/", -1))
            .map(s -> s.startsWith(":") ? "[^/]+" : Pattern.quote(s))
            .collect(Collectors.joining("/"));
    return Pattern.compile(route.isExactPath() ? regex : regex + ".*");
  }
}
