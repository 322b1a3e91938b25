package dev.portolan.http;

import java.util.Map;
import java.util.Set;

/**
 * Sees every {@code /api/v1} answer the server sends, whole: installed only where the system
 * property {@value ApiResponseTap#PROPERTY} is {@code true} (the test suite, which holds each
 * answer to the OpenAPI document), found with {@link java.util.ServiceLoader}.
 */
public interface ApiExchangeListener {

  /**
   * One answer: the request's method and path, the status, the content type (or null), the body as
   * sent (at most {@link ApiResponseTap#MAX_BODY} bytes; {@code truncated} when there was more),
   * and whether it ended normally ({@code false}: the connection closed or was reset first, as an
   * event stream's does when its client goes).
   */
  record Exchange(
      String method,
      String path,
      int status,
      String contentType,
      byte[] body,
      boolean truncated,
      boolean ended) {}

  void answered(Exchange exchange);

  /**
   * The routes the router has under {@code /api/v1}: each path (its parameters as {@code {name}})
   * with the methods it takes; told once, at the first request, when every route is mounted.
   */
  void routes(Map<String, Set<String>> methodsByPath);
}
