package dev.portolan.dashboard;

import dev.portolan.frontend.view.NodeRow;
import dev.portolan.frontend.view.PortCell;
import dev.portolan.frontend.view.PortMapView;
import dev.portolan.frontend.view.PortRange;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Turns a node's description and its listening TCP/UDP sockets into the port map: one cell per (proto, port),
 * merging the addresses it listens on (the widest exposure wins), grouped into well-known, registered and
 * ephemeral ranges.
 */
final class PortMapBuilder {
  private PortMapBuilder() {
  }

  static PortMapView build(JsonObject nodeInfo, JsonObject listeners) {
    Map<String, CellBuilder> cells = new TreeMap<>();
    JsonArray sockets = listeners.getJsonArray("sockets", new JsonArray());
    for (int i = 0; i < sockets.size(); i++) {
      JsonObject s = sockets.getJsonObject(i);
      String proto = s.getString("proto");
      if (!"tcp".equals(proto) && !"udp".equals(proto)) {
        continue;
      }
      int port = s.getInteger("localPort", 0);
      String key = String.format("%05d/%s", port, proto);
      cells.computeIfAbsent(key, k -> new CellBuilder(proto, port, s.getString("service"))).add(s);
    }
    List<PortCell> wellKnown = new ArrayList<>();
    List<PortCell> registered = new ArrayList<>();
    List<PortCell> ephemeral = new ArrayList<>();
    for (CellBuilder b : cells.values()) {
      PortCell cell = b.build();
      (cell.port() < 1024 ? wellKnown : cell.port() < 49152 ? registered : ephemeral).add(cell);
    }
    List<PortRange> ranges = List.of(new PortRange("Well-known", "0–1023", wellKnown),
        new PortRange("Registered", "1024–49151", registered), new PortRange("Ephemeral", "49152+", ephemeral));
    String name = nodeInfo.getString("name", listeners.getString("node", "node"));
    NodeRow row = new NodeRow(name, describe(nodeInfo), cells.size(), ranges);
    return new PortMapView(List.of(row), Clock.time(listeners.getLong("sampledAt", 0L)),
        listeners.getLong("seq", 0L));
  }

  private static String describe(JsonObject info) {
    JsonObject counts = info.getJsonObject("sockets", new JsonObject());
    return "kernel " + info.getString("kernel", "?") + " · " + counts.getInteger("total", 0) + " sockets · up "
        + Clock.duration(info.getLong("uptimeSeconds", 0L));
  }

  /** Collects the sockets listening on one (proto, port). */
  private static final class CellBuilder {
    final String proto;
    final int port;
    final String service;
    final Set<String> addresses = new LinkedHashSet<>();
    final Set<String> owners = new LinkedHashSet<>();
    int exposureRank = -1;

    CellBuilder(String proto, int port, String service) {
      this.proto = proto;
      this.port = port;
      this.service = service;
    }

    void add(JsonObject s) {
      addresses.add(s.getString("localAddress", "?"));
      JsonObject owner = s.getJsonObject("owner", new JsonObject());
      owners.add("process".equals(owner.getString("status")) ? owner.getString("process", "?")
          : "permission-denied".equals(owner.getString("status")) ? "owner hidden" : owner.getString("status", "?"));
      exposureRank = Math.max(exposureRank, rank(s.getString("exposure")));
    }

    PortCell build() {
      String exposure = switch (exposureRank) {
        case 2 -> "all-interfaces";
        case 1 -> "specific-address";
        default -> "loopback-only";
      };
      return new PortCell("p-" + proto + "-" + port, proto, port, service, String.join(", ", owners), exposure,
          String.join(", ", addresses), "/ports/" + proto + "/" + port);
    }

    private static int rank(String exposure) {
      return switch (exposure == null ? "" : exposure) {
        case "all-interfaces" -> 2;
        case "specific-address" -> 1;
        default -> 0;
      };
    }
  }
}
