package dev.portolan.http;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

/**
 * The API's error answer, {@code {error, detail}} as JSON with its status, on a plain response: for
 * servers without a router too (an agent's /health and /metrics load none of vertx-web); {@link
 * ApiErrors} writes it for routes.
 */
public final class JsonErrors {
  private JsonErrors() {}

  public static void send(HttpServerResponse response, int status, String error, String detail) {
    response
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("error", error).put("detail", detail).encode());
  }
}
