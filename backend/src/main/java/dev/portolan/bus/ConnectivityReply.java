package dev.portolan.bus;

import dev.portolan.scan.ConnectivityCheck;
import dev.portolan.socket.AddressText;
import io.vertx.core.json.JsonObject;
import java.util.Locale;

/**
 * A node's answer on {@link Addresses#CONNECTIVITY}: what was asked ({@code host}, {@code port}),
 * the address it connected to, the outcome in a word ({@code status}: connected, refused, timeout,
 * ...) and in a sentence ({@code reason}), how long it took, and the local end it connected from
 * (null when it did not connect).
 */
public record ConnectivityReply(
    String node,
    String host,
    String address,
    int port,
    String status,
    boolean connected,
    double elapsedMillis,
    String localAddress,
    Integer localPort,
    String reason) {

  public static ConnectivityReply of(String node, String host, ConnectivityCheck.Result r) {
    return new ConnectivityReply(
        node,
        host,
        AddressText.of(r.address().getAddress()),
        r.port(),
        r.status().name().toLowerCase(Locale.ROOT).replace('_', '-'),
        r.connected(),
        r.elapsedMicros() / 1000.0,
        r.local() == null ? null : AddressText.of(r.local().getAddress().getAddress()),
        r.local() == null ? null : r.local().getPort(),
        r.reason());
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("node", node)
        .put("host", host)
        .put("address", address)
        .put("port", port)
        .put("status", status)
        .put("connected", connected)
        .put("elapsedMillis", elapsedMillis)
        .put("localAddress", localAddress)
        .put("localPort", localPort)
        .put("reason", reason);
  }

  public static ConnectivityReply fromJson(JsonObject j) {
    Object elapsed = j.getValue("elapsedMillis");
    return new ConnectivityReply(
        j.getString("node"),
        j.getString("host"),
        j.getString("address"),
        j.getInteger("port", 0),
        j.getString("status"),
        j.getBoolean("connected", false),
        elapsed instanceof Number n ? n.doubleValue() : 0,
        j.getString("localAddress"),
        j.getInteger("localPort"),
        j.getString("reason"));
  }
}
