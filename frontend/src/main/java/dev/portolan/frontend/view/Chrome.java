package dev.portolan.frontend.view;

import java.util.function.Supplier;

/**
 * What every page shows around its content for the request being answered: who is logged in and
 * with what role (null when the node runs without authentication), the CSRF token htmx sends back
 * (in {@code hx-headers} on the body; plain forms carry it as a hidden field), the warning when the
 * node runs open beyond loopback ({@code insecureBind}: the address, else null), and which controls
 * the caller may use. Set for the time of one rendering ({@link #with}); templates read it with
 * {@link #current()}.
 */
public record Chrome(
    String user,
    String role,
    String csrfToken,
    String insecureBind,
    boolean canOperate,
    boolean canAdmin) {
  /** The header htmx and forms send the CSRF token in (vertx-web's CSRFHandler default). */
  public static final String CSRF_HEADER = "X-XSRF-TOKEN";

  /** Where a request's chrome is kept in its routing context. */
  public static final String KEY = "portolan.chrome";

  /** No authentication, no token: everything may be used (the default when none is set). */
  public static final Chrome OPEN = new Chrome(null, null, null, null, true, true);

  private static final ThreadLocal<Chrome> CURRENT = ThreadLocal.withInitial(() -> OPEN);

  public static Chrome current() {
    return CURRENT.get();
  }

  /** Runs {@code rendering} with {@code chrome} as {@link #current()}. */
  public static <T> T with(Chrome chrome, Supplier<T> rendering) {
    Chrome before = CURRENT.get();
    CURRENT.set(chrome == null ? OPEN : chrome);
    try {
      return rendering.get();
    } finally {
      CURRENT.set(before);
    }
  }

  /**
   * The value of {@code hx-headers} on the body: the CSRF token as a JSON object, or null without a
   * token.
   */
  public String csrfHeaders() {
    return csrfToken == null ? null : "{\"" + CSRF_HEADER + "\":\"" + csrfToken + "\"}";
  }
}
