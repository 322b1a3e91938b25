package dev.portolan.bus;

import dev.portolan.scan.PortResult;
import dev.portolan.scan.PortState;
import dev.portolan.scan.Preset;
import dev.portolan.scan.ScanRecord;
import dev.portolan.scan.banner.Banner;
import dev.portolan.service.ServiceNames;
import dev.portolan.socket.AddressText;
import dev.portolan.socket.Protocol;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON shapes of scan results and scan states, used by the API, the scan event stream and
 * event-bus messages. {@code fromJson(toJson(x))} gives x back.
 */
public final class ScanJson {
  private ScanJson() {}

  public static JsonObject result(PortResult r, ServiceNames services) {
    Banner b = r.banner();
    String service =
        b != null && b.service() != null ? b.service() : services.name(r.proto(), r.port());
    JsonObject j =
        new JsonObject()
            .put("address", AddressText.of(r.address().getAddress()))
            .put("port", r.port())
            .put("proto", r.proto().wireName())
            .put("state", r.state().wireName())
            .put("rttMicros", r.rttMicros())
            .put("reason", r.reason())
            .put("service", service);
    if (b != null) {
      j.put(
          "banner",
          new JsonObject()
              .put("service", b.service())
              .put("text", b.text())
              .put("server", b.server())
              .put("tlsSubject", b.tlsSubject())
              .put("tlsNotAfter", b.tlsNotAfter() == null ? null : b.tlsNotAfter().toString()));
    }
    return j;
  }

  public static PortResult resultFromJson(JsonObject j) {
    JsonObject b = j.getJsonObject("banner");
    Banner banner =
        b == null
            ? null
            : new Banner(
                b.getString("service"),
                b.getString("text"),
                b.getString("server"),
                b.getString("tlsSubject"),
                b.getString("tlsNotAfter") == null
                    ? null
                    : Instant.parse(b.getString("tlsNotAfter")));
    return new PortResult(
        address(j.getString("address")),
        j.getInteger("port"),
        Protocol.fromWire(j.getString("proto")),
        PortState.fromWire(j.getString("state")),
        j.getLong("rttMicros"),
        j.getString("reason"),
        banner);
  }

  /** A scan's state; with {@code withResults} its kept results too (else just the counts). */
  public static JsonObject snapshot(
      ScanRecord.Snapshot s, boolean withResults, ServiceNames services) {
    JsonArray addresses = new JsonArray();
    s.addresses().forEach(a -> addresses.add(AddressText.of(a.getAddress())));
    JsonObject counts = new JsonObject();
    for (PortState state : PortState.values()) {
      counts.put(state.wireName(), s.count(state));
    }
    JsonObject j =
        new JsonObject()
            .put("id", s.id())
            .put("node", s.node())
            .put("target", s.target())
            .put("addresses", addresses)
            .put("ports", s.ports())
            .put("proto", s.proto().wireName())
            .put("preset", s.preset().wireName())
            .put("banners", s.banners())
            .put("status", s.status().wireName())
            .put("done", s.done())
            .put("total", s.total())
            .put("percent", s.percent())
            .put("counts", counts)
            .put("startedAt", s.startedAt())
            .put("finishedAt", s.finishedAt())
            .put("elapsedMicros", s.elapsedMicros())
            .put("probesSent", s.probesSent())
            .put("error", s.error());
    if (withResults) {
      JsonArray results = new JsonArray();
      s.results().forEach(r -> results.add(result(r, services)));
      j.put("results", results);
    }
    return j;
  }

  /** The inverse of {@link #snapshot}; results are empty when the JSON had none. */
  public static ScanRecord.Snapshot snapshotFromJson(JsonObject j) {
    List<InetAddress> addresses = new ArrayList<>();
    j.getJsonArray("addresses").forEach(a -> addresses.add(address((String) a)));
    Map<PortState, Long> counts = new EnumMap<>(PortState.class);
    JsonObject c = j.getJsonObject("counts");
    for (PortState state : PortState.values()) {
      counts.put(state, c.getLong(state.wireName(), 0L));
    }
    List<PortResult> results = new ArrayList<>();
    JsonArray r = j.getJsonArray("results");
    if (r != null) {
      r.forEach(o -> results.add(resultFromJson((JsonObject) o)));
    }
    return new ScanRecord.Snapshot(
        j.getString("id"),
        j.getString("node"),
        j.getString("target"),
        List.copyOf(addresses),
        j.getString("ports"),
        Protocol.fromWire(j.getString("proto")),
        Preset.fromWire(j.getString("preset")),
        j.getBoolean("banners"),
        ScanRecord.Status.valueOf(j.getString("status").toUpperCase(java.util.Locale.ROOT)),
        j.getLong("done"),
        j.getLong("total"),
        Map.copyOf(counts),
        j.getLong("startedAt"),
        j.getLong("finishedAt"),
        j.getLong("elapsedMicros"),
        j.getLong("probesSent"),
        j.getString("error"),
        List.copyOf(results));
  }

  /** An address literal back to an InetAddress, without any name look-up. */
  static InetAddress address(String literal) {
    return InetAddress.ofLiteral(literal);
  }
}
