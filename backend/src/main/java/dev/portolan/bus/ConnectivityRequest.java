package dev.portolan.bus;

import io.vertx.core.json.JsonObject;

/**
 * A request on {@link Addresses#CONNECTIVITY}: can this node open a TCP connection to {@code host}:{@code port}
 * within {@code timeoutMillis} ({@code nc -z}, telnet)? The answer is a {@link ConnectivityReply}.
 */
public record ConnectivityRequest(String host, int port, long timeoutMillis) {
  public static final long DEFAULT_TIMEOUT_MILLIS = 3_000;
  public static final long MAX_TIMEOUT_MILLIS = 30_000;

  public JsonObject toJson() {
    return new JsonObject().put("host", host).put("port", port).put("timeoutMillis", timeoutMillis);
  }

  public static ConnectivityRequest fromJson(JsonObject j) {
    return new ConnectivityRequest(j.getString("host"), j.getInteger("port"), j.getLong("timeoutMillis", DEFAULT_TIMEOUT_MILLIS));
  }
}
