package dev.portolan.bus;

import dev.portolan.fleet.FleetPage;
import dev.portolan.fleet.FleetSummary;
import dev.portolan.fleet.NodeStatus;
import dev.portolan.fleet.NodeView;
import dev.portolan.sampling.NodeSnapshot;
import dev.portolan.sampling.OwnedSocket;
import dev.portolan.sampling.SocketSummary;
import dev.portolan.socket.Protocol;
import dev.portolan.socket.SocketState;
import dev.portolan.service.ServiceNames;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON shapes of the hub's fleet answers: a node with its status, a page of sockets across nodes (each row with
 * its node and whether that node is live), the sockets on one port per node, and the fleet summary.
 */
public final class FleetJson {
  private FleetJson() {
  }

  public static JsonObject node(NodeView v) {
    NodeSnapshot s = v.snapshot();
    SocketSummary summary = s.summary();
    JsonObject counts = new JsonObject().put("total", summary.total());
    summary.byProtocol().forEach((proto, states) ->
        counts.put(proto, states.values().stream().mapToInt(Integer::intValue).sum()));
    counts.put("listening", s.sortedListeners().size());
    JsonObject j = new JsonObject()
        .put("name", v.name())
        .put("status", v.listedStatus())
        .put("statusSince", v.statusSinceMillis())
        .put("statusReason", v.statusReason())
        .put("live", v.live())
        .put("resyncing", v.resyncing())
        .put("lastHeartbeatAt", v.lastHeartbeatMillis())
        .put("lastSampleAt", v.lastSampleMillis())
        .put("nodeSeq", s.seq())
        .put("sockets", counts);
    if (v.facts() != null) {
      j.put("role", v.facts().role()).put("reader", v.facts().reader()).put("readerNote", v.facts().readerNote())
          .put("shortLived", v.facts().shortLived()).put("busTls", v.facts().busTls())
          .put("intervalMillis", v.facts().intervalMillis()).put("portolanStartedAt", v.facts().startedAtMillis())
          .put("kernel", v.facts().kernel()).put("addresses", new JsonArray(v.facts().addresses()))
          .put("clusterNodeId", v.facts().clusterNodeId());
      if (v.facts().sampler() != null) {
        j.put("sampler", NodeHeartbeat.samplerJson(v.facts().sampler()));
      }
    }
    return j;
  }

  public static Map<String, Integer> countByStatus(List<NodeView> nodes) {
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (NodeStatus status : NodeStatus.values()) {
      counts.put(status.wireName(), 0);
    }
    nodes.forEach(v -> counts.merge(v.status().wireName(), 1, Integer::sum));
    return counts;
  }

  /** A row of a fleet listing: the socket's usual JSON plus {@code live} (false: as last seen on a down node). */
  public static JsonObject row(String node, NodeStatus status, OwnedSocket socket, ServiceNames services) {
    return SocketJson.toJson(node, socket, services).put("live", status != NodeStatus.DOWN);
  }

  public static JsonObject page(FleetPage page, long seq, ServiceNames services) {
    JsonArray rows = new JsonArray();
    for (FleetPage.Row r : page.rows()) {
      rows.add(row(r.node(), r.status(), r.socket(), services));
    }
    return new JsonObject().put("seq", seq).put("matched", page.matched()).put("count", rows.size())
        .put("nextCursor", page.nextCursor()).put("sockets", rows);
  }

  /** Per node that is not empty there, the sockets on local port {@code port}: {"nodes": [{node, status, sockets}]}. */
  public static JsonObject port(List<NodeView> nodes, String protoName, int port, ServiceNames services) {
    Protocol proto = Protocol.fromWire(protoName);
    JsonArray out = new JsonArray();
    for (NodeView v : nodes) {
      List<OwnedSocket> on = v.snapshot().byLocalPort(proto, port);
      if (on.isEmpty()) {
        continue;
      }
      JsonArray sockets = new JsonArray();
      boolean listening = false;
      for (OwnedSocket s : on) {
        sockets.add(row(v.name(), v.status(), s, services));
        listening |= s.socket().isListening();
      }
      out.add(new JsonObject().put("node", v.name()).put("status", v.status().wireName()).put("live", v.live())
          .put("listening", listening).put("sampledAt", v.lastSampleMillis()).put("sockets", sockets));
    }
    return new JsonObject().put("proto", proto.wireName()).put("port", port).put("nodes", out);
  }

  public static JsonObject summary(FleetSummary summary, long seq) {
    SocketSummary s = summary.sockets();
    JsonObject byProto = new JsonObject();
    s.byProtocol().forEach((proto, states) -> byProto.put(proto, states(states)));
    JsonObject nodes = new JsonObject();
    summary.nodesByStatus().forEach((status, n) -> nodes.put(status.wireName(), n));
    return new JsonObject().put("seq", seq).put("total", s.total()).put("protocols", byProto)
        .put("tcpStates", states(s.tcpByState())).put("nodes", nodes);
  }

  /** Counts by state ({@code ss -s} style) plus their total. */
  public static JsonObject states(Map<SocketState, Integer> states) {
    JsonObject j = new JsonObject();
    int total = 0;
    for (Map.Entry<SocketState, Integer> e : states.entrySet()) {
      j.put(e.getKey().filterName(), e.getValue());
      total += e.getValue();
    }
    return j.put("total", total);
  }
}
