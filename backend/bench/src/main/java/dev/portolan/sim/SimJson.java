package dev.portolan.sim;

import dev.portolan.bus.ChangeBatch;
import dev.portolan.bus.JsonText;
import dev.portolan.bus.NodeHeartbeat;
import dev.portolan.bus.SnapshotReply;
import dev.portolan.fleet.NodeFacts;
import dev.portolan.sampling.OwnedSocket;
import dev.portolan.sampling.SocketChange;
import dev.portolan.service.ServiceNames;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * The simulator's messages written straight to JSON text, field for field what {@link
 * ChangeBatch#toJson}, {@link SnapshotReply#toJson} and {@link NodeHeartbeat#toJson} build (a test
 * holds them equal), without the intermediate {@link JsonObject} maps ({@link JsonText}): one
 * simulator JVM writes a thousand batches and a thousand heartbeats a second on cores it shares
 * with the hub. The text travels as an {@link Encoded} JSON object, so the receiving hub gets an
 * ordinary {@link JsonObject}. Not thread-safe: one instance per event loop.
 */
public final class SimJson {
  private final JsonText text;
  private final StringBuilder sb = new StringBuilder(16 * 1024);

  public SimJson(ServiceNames services) {
    // A verticle of the simulator writes for thousands of nodes, each with its own dozen processes:
    // a node's cache of 10,000 owners was emptied every few seconds and every owner's text made
    // again (the same text either way).
    this.text = new JsonText(services, JsonText.FLEET_CACHED_OWNERS);
  }

  /**
   * A JSON object whose wire form is already written: the event bus's JSON codec sends {@link
   * #toBuffer()}, and a local consumer gets a parsed {@link #copy()}. Its map is empty: it is for
   * sending, not for reading.
   */
  public static final class Encoded extends JsonObject {
    private final Buffer text;

    Encoded(Buffer text) {
      this.text = text;
    }

    @Override
    public Buffer toBuffer() {
      return text;
    }

    @Override
    public String encode() {
      return text.toString();
    }

    @Override
    public JsonObject copy() {
      return new JsonObject(text);
    }
  }

  /** As {@code new ChangeBatch(node, epoch, changes).toJson(services)}. */
  public Encoded batch(String node, String epoch, List<SocketChange> changes) {
    sb.setLength(0);
    sb.append("{\"node\":");
    str(node);
    sb.append(",\"epoch\":");
    str(epoch);
    sb.append(",\"changes\":[");
    for (int i = 0; i < changes.size(); i++) {
      if (i > 0) {
        sb.append(',');
      }
      text.change(sb, changes.get(i));
    }
    sb.append("]}");
    return done();
  }

  /** As {@code new SnapshotReply(node, epoch, seq, takenAt, sockets).toJson(services)}. */
  public Encoded snapshot(
      String node, String epoch, long seq, long takenAtMillis, Iterable<OwnedSocket> sockets) {
    sb.setLength(0);
    sb.append("{\"node\":");
    str(node);
    sb.append(",\"epoch\":");
    str(epoch);
    sb.append(",\"seq\":")
        .append(seq)
        .append(",\"takenAt\":")
        .append(takenAtMillis)
        .append(",\"sockets\":[");
    boolean first = true;
    for (OwnedSocket s : sockets) {
      if (!first) {
        sb.append(',');
      }
      first = false;
      text.row(sb, node, s);
    }
    sb.append("]}");
    return done();
  }

  /**
   * The part of a node's heartbeat that stays the same for a run (everything up to {@code "seq"}),
   * for {@link #heartbeat(String, long, long, long, int)}.
   */
  public String heartbeatPrefix(NodeFacts facts, String epoch) {
    sb.setLength(0);
    sb.append("{\"node\":");
    str(facts.node());
    sb.append(",\"clusterNodeId\":");
    str(facts.clusterNodeId());
    sb.append(",\"role\":");
    str(facts.role());
    sb.append(",\"reader\":");
    str(facts.reader());
    sb.append(",\"intervalMillis\":").append(facts.intervalMillis());
    sb.append(",\"startedAt\":").append(facts.startedAtMillis());
    sb.append(",\"kernel\":");
    str(facts.kernel());
    sb.append(",\"addresses\":[");
    for (int i = 0; i < facts.addresses().size(); i++) {
      if (i > 0) {
        sb.append(',');
      }
      str(facts.addresses().get(i));
    }
    sb.append("],\"epoch\":");
    str(epoch);
    return sb.toString();
  }

  /** As {@link NodeHeartbeat#toJson()}, from the prefix {@link #heartbeatPrefix} wrote. */
  public Encoded heartbeat(
      String prefix, long seq, long lastSampleMillis, long sentAtMillis, int sockets) {
    sb.setLength(0);
    sb.append(prefix)
        .append(",\"seq\":")
        .append(seq)
        .append(",\"lastSampleAt\":")
        .append(lastSampleMillis)
        .append(",\"sentAt\":")
        .append(sentAtMillis)
        .append(",\"sockets\":")
        .append(sockets)
        .append('}');
    return done();
  }

  private Encoded done() {
    return new Encoded(Buffer.buffer(sb.toString()));
  }

  private void str(String s) {
    JsonText.string(sb, s);
  }
}
