package dev.portolan.bus;

import dev.portolan.sampler.AddressText;
import dev.portolan.scan.ConnectivityCheck;
import io.vertx.core.json.JsonObject;
import java.util.Locale;

/**
 * A request on {@link Addresses#CONNECTIVITY}: can this node open a TCP connection to {@code host}:{@code port}
 * within {@code timeoutMillis} ({@code nc -z}, telnet)? The answer is {@link #answer}'s shape.
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

  /** The answer: what was asked, the address connected to, the outcome in a word and in a sentence. */
  public static JsonObject answer(String node, String host, ConnectivityCheck.Result r) {
    return new JsonObject().put("node", node).put("host", host).put("address", AddressText.of(r.address().getAddress()))
        .put("port", r.port()).put("status", r.status().name().toLowerCase(Locale.ROOT).replace('_', '-'))
        .put("connected", r.connected()).put("elapsedMillis", r.elapsedMicros() / 1000.0)
        .put("localAddress", r.local() == null ? null : AddressText.of(r.local().getAddress().getAddress()))
        .put("localPort", r.local() == null ? null : r.local().getPort()).put("reason", r.reason());
  }
}
