package dev.portolan.verticles;

import dev.portolan.bus.Addresses;
import dev.portolan.bus.CheckReply;
import dev.portolan.bus.JsonText;
import dev.portolan.bus.NodeInfo;
import dev.portolan.bus.NodeSocketsReply;
import dev.portolan.bus.NodeSummaryReply;
import dev.portolan.bus.PortCheck;
import dev.portolan.bus.RequestHeaders;
import dev.portolan.bus.SnapshotReply;
import dev.portolan.bus.SocketQuery;
import dev.portolan.http.InvalidQueryException;
import dev.portolan.sampling.NodeSnapshot;
import dev.portolan.sampling.SnapshotHolder;
import dev.portolan.sampling.SocketPage;
import dev.portolan.service.ServiceNames;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

/**
 * Answers questions about the latest snapshot: socket pages, the summary, the node's description,
 * port checks, and the whole snapshot for a hub that resyncs. Deployed as a worker verticle:
 * filtering and sorting tens of thousands of rows stays off the event loop.
 */
public final class SocketQueryVerticle extends VerticleBase {
  private final SnapshotHolder latest;
  private final ServiceNames services;
  private final NodeInfo nodeInfo;
  private final String epoch;
  private JsonText jsonText; // for snapshots as text; this worker verticle's thread only
  private int lastSnapshotBytes = 64 * 1024;

  public SocketQueryVerticle(
      SnapshotHolder latest, ServiceNames services, NodeInfo nodeInfo, String epoch) {
    this.epoch = epoch;
    this.latest = latest;
    this.services = services;
    this.nodeInfo = nodeInfo;
  }

  @Override
  public Future<?> start() {
    var bus = vertx.eventBus();
    String node = latest.node();
    return Future.all(
        bus.<JsonObject>consumer(Addresses.onNode(node, Addresses.SOCKETS_QUERY), this::page)
            .completion(),
        bus.<JsonObject>consumer(
                Addresses.onNode(node, Addresses.SUMMARY),
                msg ->
                    msg.reply(
                        NodeSummaryReply.of(latest.get(), latest.trend().points(120)).toJson()))
            .completion(),
        bus.<JsonObject>consumer(
                Addresses.onNode(node, Addresses.NODE_INFO),
                msg -> msg.reply(nodeInfo.reply(latest.get()).toJson()))
            .completion(),
        bus.<JsonObject>consumer(Addresses.onNode(node, Addresses.PORT_CHECK), this::check)
            .completion(),
        bus.<JsonObject>consumer(Addresses.onNode(node, Addresses.SNAPSHOT), this::snapshot)
            .completion());
  }

  /**
   * The whole snapshot: JSON text when the asker takes it ({@link RequestHeaders#JSON_TEXT}, the
   * bridge's agent side), else a JsonObject.
   */
  private void snapshot(Message<JsonObject> msg) {
    NodeSnapshot s = latest.get();
    SnapshotReply reply =
        new SnapshotReply(s.node(), epoch, s.seq(), s.takenAtMillis(), s.sockets());
    if (!msg.headers().contains(RequestHeaders.JSON_TEXT)) {
      msg.reply(reply.toJson(services));
      return;
    }
    if (jsonText == null) {
      jsonText = new JsonText(services);
    }
    Buffer text = reply.toJsonText(jsonText, lastSnapshotBytes + lastSnapshotBytes / 8);
    lastSnapshotBytes = text.length();
    msg.reply(text, new DeliveryOptions().addHeader(RequestHeaders.JSON_TEXT, "1"));
  }

  private void page(Message<JsonObject> msg) {
    try {
      SocketQuery query = SocketQuery.fromJson(msg.body());
      NodeSnapshot snapshot = latest.get();
      SocketPage page = SocketPage.of(snapshot, query.filter(), query.limit(), query.cursor());
      msg.reply(NodeSocketsReply.of(snapshot, page, services).toJson());
    } catch (InvalidQueryException e) {
      msg.fail(400, e.getMessage());
    }
  }

  private void check(Message<JsonObject> msg) {
    PortCheck q = PortCheck.fromJson(msg.body());
    NodeSnapshot snapshot = latest.get();
    msg.reply(CheckReply.of(snapshot, q.proto(), q.port(), services).toJson());
  }
}
