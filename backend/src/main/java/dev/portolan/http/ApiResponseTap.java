package dev.portolan.http;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.internal.http.HttpServerRequestInternal;
import io.vertx.core.internal.http.HttpServerRequestWrapper;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A copy of every {@code /api/v1} answer for an {@link ApiExchangeListener}, when the system
 * property {@value #PROPERTY} is {@code true} (the test suite sets it); otherwise {@link #wrap}
 * returns the router's handler as it is and nothing is copied. The copy is taken below every route,
 * from the response itself, so no route can answer without being seen.
 */
public final class ApiResponseTap {
  /** The system property that turns the tap on. */
  public static final String PROPERTY = "portolan.api.tap";

  /** The most of a body that is copied. */
  public static final int MAX_BODY = 16 << 20;

  /**
   * An event stream's copy keeps its first writes (whole events), up to this many bytes, and its
   * events are checked on those: a copy of every stream whole held a busy feed once per reader
   * (SseLoadTest's 500 readers grew the heap by 84 MB for 47 MB sent).
   */
  public static final int MAX_STREAM_COPY = 8 << 10;

  private static final String API = "/api/v1/";

  private final Router router;
  private final List<ApiExchangeListener> listeners;
  private volatile boolean routesTold;

  private ApiResponseTap(Router router, List<ApiExchangeListener> listeners) {
    this.router = router;
    this.listeners = listeners;
  }

  /**
   * The router's request handler, with every {@code /api/v1} answer copied to the listeners when
   * the tap is on. Throws when it is on and no listener is on the class path: a check that would
   * pass by seeing nothing.
   */
  public static Handler<HttpServerRequest> wrap(Router router) {
    if (!Boolean.getBoolean(PROPERTY)) {
      return router;
    }
    List<ApiExchangeListener> found =
        ServiceLoader.load(ApiExchangeListener.class).stream()
            .map(ServiceLoader.Provider::get)
            .toList();
    if (found.isEmpty()) {
      throw new IllegalStateException(
          PROPERTY + " is set but no " + ApiExchangeListener.class.getName() + " is installed");
    }
    return new ApiResponseTap(router, found)::handle;
  }

  private void handle(HttpServerRequest request) {
    if (!routesTold) {
      routesTold = true;
      Map<String, Set<String>> routes = apiRoutes(router);
      listeners.forEach(l -> l.routes(routes));
    }
    String path = request.path();
    if (path != null
        && path.startsWith(API)
        && request instanceof HttpServerRequestInternal internal) {
      router.handle(new Tapped(internal, this));
    } else {
      router.handle(request);
    }
  }

  /** The router's routes under /api/v1 with their methods (HEAD where GET), paths as {name}. */
  static Map<String, Set<String>> apiRoutes(Router router) {
    Map<String, Set<String>> out = new TreeMap<>();
    for (Route r : router.getRoutes()) {
      String path = r.getPath();
      Set<HttpMethod> methods = r.methods();
      if (path == null || !path.startsWith(API) || methods == null || methods.isEmpty()) {
        continue;
      }
      String named = path.replaceAll(":([A-Za-z0-9_]+)", "{$1}");
      Set<String> names = out.computeIfAbsent(named, k -> new TreeSet<>());
      methods.forEach(m -> names.add(m.name()));
    }
    return out;
  }

  private void tell(ApiExchangeListener.Exchange e) {
    for (ApiExchangeListener l : listeners) {
      l.answered(e);
    }
  }

  /** The request, whose response is the copying one. */
  private static final class Tapped extends HttpServerRequestWrapper {
    private final HttpServerResponse response;

    Tapped(HttpServerRequestInternal request, ApiResponseTap tap) {
      super(request);
      Copy copy = new Copy(request, request.response(), tap);
      this.response =
          (HttpServerResponse)
              Proxy.newProxyInstance(
                  HttpServerResponse.class.getClassLoader(),
                  new Class<?>[] {HttpServerResponse.class},
                  copy);
      copy.proxy = response;
    }

    @Override
    public HttpServerResponse response() {
      return response;
    }
  }

  /** Delegates every call, keeping what is written, and tells the tap once the answer is over. */
  private static final class Copy implements InvocationHandler {
    private final HttpServerRequest request;
    private final HttpServerResponse target;
    private final ApiResponseTap tap;
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private boolean truncated;
    private boolean streamCopied; // an event stream's first events are kept: the rest is not
    private boolean told;
    private Handler<Void> appClose;
    Object proxy;

    Copy(HttpServerRequest request, HttpServerResponse target, ApiResponseTap tap) {
      this.request = request;
      this.target = target;
      this.tap = tap;
      target.closeHandler(
          v -> {
            tell(false);
            if (appClose != null) {
              appClose.handle(v);
            }
          });
    }

    @Override
    public Object invoke(Object p, Method m, Object[] args) throws Throwable {
      String name = m.getName();
      int n = args == null ? 0 : args.length;
      if (name.equals("closeHandler") && n == 1) {
        @SuppressWarnings("unchecked")
        Handler<Void> h = (Handler<Void>) args[0];
        appClose = h;
        return proxy;
      }
      boolean ending = name.equals("end") || name.equals("send") && n <= 1;
      if (ending || name.equals("write")) {
        if (n >= 1 && !keep(args[0], n == 2 ? (String) args[1] : null)) {
          truncated = true; // a stream or a file: not a body this copy can read
        }
      }
      Object out = call(m, args);
      if (ending) {
        tell(true);
      } else if (name.equals("reset")) {
        tell(false);
      }
      return out == target ? proxy : out;
    }

    private Object call(Method m, Object[] args) throws Throwable {
      try {
        return m.invoke(target, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    }

    private boolean keep(Object chunk, String encoding) {
      byte[] bytes;
      if (chunk instanceof Buffer b) {
        bytes = b.getBytes();
      } else if (chunk instanceof String s) {
        bytes =
            s.getBytes(
                encoding == null
                    ? StandardCharsets.UTF_8
                    : java.nio.charset.Charset.forName(encoding));
      } else {
        return false;
      }
      if (streamCopied) {
        return true;
      }
      String type = target.headers().get("Content-Type");
      if (type != null
          && type.startsWith("text/event-stream")
          && body.size() > 0
          && body.size() + bytes.length > MAX_STREAM_COPY) {
        streamCopied = true; // its first events are kept whole; they are what is checked
        return true;
      }
      if (body.size() + bytes.length > MAX_BODY) {
        return false;
      }
      body.writeBytes(bytes);
      return true;
    }

    private void tell(boolean ended) {
      if (told) {
        return;
      }
      told = true;
      tap.tell(
          new ApiExchangeListener.Exchange(
              request.method().name(),
              request.path(),
              target.getStatusCode(),
              target.headers().get("Content-Type"),
              body.toByteArray(),
              truncated,
              ended));
    }
  }
}
