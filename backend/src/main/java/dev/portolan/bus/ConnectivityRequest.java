package dev.portolan.bus;

import dev.portolan.http.InvalidQueryException;
import dev.portolan.http.QueryValues;
import io.vertx.core.json.JsonObject;
import java.util.Set;

/**
 * A request on {@link Addresses#CONNECTIVITY}: can this node open a TCP connection to {@code
 * host}:{@code port} within {@code timeoutMillis} ({@code nc -z}, telnet)? The answer is a {@link
 * ConnectivityReply}.
 */
public record ConnectivityRequest(String host, int port, long timeoutMillis) {
  public static final long DEFAULT_TIMEOUT_MILLIS = 3_000;
  public static final long MAX_TIMEOUT_MILLIS = 30_000;

  public JsonObject toJson() {
    return new JsonObject().put("host", host).put("port", port).put("timeoutMillis", timeoutMillis);
  }

  public static ConnectivityRequest fromJson(JsonObject j) {
    return new ConnectivityRequest(
        j.getString("host"),
        j.getInteger("port"),
        j.getLong("timeoutMillis", DEFAULT_TIMEOUT_MILLIS));
  }

  /**
   * Parses a connectivity check from a JSON body {host, port, timeoutMillis}: 400 for anything
   * else.
   */
  public static ConnectivityRequest parse(JsonObject body) {
    for (String field : body.fieldNames()) {
      if (!Set.of("host", "port", "timeoutMillis", "node").contains(field)) {
        throw new InvalidQueryException(
            "unknown field",
            QueryValues.echo(field)
                + " is not a check field; give host, port, optionally node (which node connects)"
                + " and optionally timeoutMillis (100 to "
                + ConnectivityRequest.MAX_TIMEOUT_MILLIS
                + ")");
      }
    }
    String host = text(body, "host", null);
    if (host == null || host.isBlank()) {
      throw new InvalidQueryException(
          "missing host", "give host: a host name or an IPv4 or IPv6 address");
    }
    Object port = body.getValue("port");
    if (port == null) {
      throw new InvalidQueryException("missing port", "give port: a number from 1 to 65535");
    }
    int p = QueryValues.port("port", port.toString());
    if (p == 0) {
      throw new InvalidQueryException(
          "invalid port", "a check connects to a port from 1 to 65535, not 0");
    }
    Object timeout = body.getValue("timeoutMillis");
    long millis =
        timeout == null
            ? ConnectivityRequest.DEFAULT_TIMEOUT_MILLIS
            : QueryValues.wholeNumber(
                timeout.toString(),
                "invalid timeoutMillis",
                "timeoutMillis is a number of milliseconds");
    if (millis < 100 || millis > ConnectivityRequest.MAX_TIMEOUT_MILLIS) {
      throw new InvalidQueryException(
          "invalid timeoutMillis",
          "timeoutMillis must be from 100 to "
              + ConnectivityRequest.MAX_TIMEOUT_MILLIS
              + ", not "
              + millis);
    }
    return new ConnectivityRequest(host.strip(), p, millis);
  }

  private static String text(JsonObject body, String field, String dflt) {
    Object v = body.getValue(field);
    if (v == null) {
      return dflt;
    }
    if (!(v instanceof String s)) {
      throw new InvalidQueryException("invalid " + field, field + " must be a string");
    }
    return s;
  }
}
