package dev.portolan.sim;

import dev.portolan.bus.ChangeBatch;
import dev.portolan.bus.NodeHeartbeat;
import dev.portolan.bus.SnapshotReply;
import dev.portolan.bus.SocketJson;
import dev.portolan.fleet.NodeFacts;
import dev.portolan.node.Exposure;
import dev.portolan.node.OwnedSocket;
import dev.portolan.node.SocketChange;
import dev.portolan.owner.Owner;
import dev.portolan.owner.ProcessInfo;
import dev.portolan.sampler.Protocol;
import dev.portolan.sampler.SocketEntry;
import dev.portolan.service.ServiceNames;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The simulator's messages written straight to JSON text, field for field what {@link ChangeBatch#toJson},
 * {@link SnapshotReply#toJson} and {@link NodeHeartbeat#toJson} build (a test holds them equal), without the
 * intermediate {@link JsonObject} maps: one simulator JVM writes a thousand batches and a thousand heartbeats a
 * second on cores it shares with the hub. The text travels as an {@link Encoded} JSON object, so the receiving
 * hub gets an ordinary {@link JsonObject}. Owners' JSON is cached per process (a node has a dozen). Not
 * thread-safe: one instance per event loop.
 */
public final class SimJson {
  private final ServiceNames services;
  private final Map<ProcessInfo, String> processText = new IdentityHashMap<>();
  private final StringBuilder sb = new StringBuilder(16 * 1024);

  public SimJson(ServiceNames services) {
    this.services = services;
  }

  /**
   * A JSON object whose wire form is already written: the event bus's JSON codec sends {@link #toBuffer()}, and a
   * local consumer gets a parsed {@link #copy()}. Its map is empty: it is for sending, not for reading.
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
      change(changes.get(i));
    }
    sb.append("]}");
    return done();
  }

  /** As {@code new SnapshotReply(node, epoch, seq, takenAt, sockets).toJson(services)}. */
  public Encoded snapshot(String node, String epoch, long seq, long takenAtMillis, Iterable<OwnedSocket> sockets) {
    sb.setLength(0);
    sb.append("{\"node\":");
    str(node);
    sb.append(",\"epoch\":");
    str(epoch);
    sb.append(",\"seq\":").append(seq).append(",\"takenAt\":").append(takenAtMillis).append(",\"sockets\":[");
    boolean first = true;
    for (OwnedSocket s : sockets) {
      if (!first) {
        sb.append(',');
      }
      first = false;
      row(node, s);
      sb.append('}');
    }
    sb.append("]}");
    return done();
  }

  /**
   * The part of a node's heartbeat that stays the same for a run (everything up to {@code "seq"}), for
   * {@link #heartbeat(String, long, long, long, int)}.
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
  public Encoded heartbeat(String prefix, long seq, long lastSampleMillis, long sentAtMillis, int sockets) {
    sb.setLength(0);
    sb.append(prefix).append(",\"seq\":").append(seq).append(",\"lastSampleAt\":").append(lastSampleMillis)
        .append(",\"sentAt\":").append(sentAtMillis).append(",\"sockets\":").append(sockets).append('}');
    return done();
  }

  private Encoded done() {
    return new Encoded(Buffer.buffer(sb.toString()));
  }

  /** As {@link ChangeBatch#changeToJson}. */
  private void change(SocketChange c) {
    row(c.node(), c.current());
    sb.append(",\"change\":\"").append(c.kind().wireName()).append("\",\"seq\":").append(c.seq())
        .append(",\"timestamp\":").append(c.timestampMillis());
    if (c.previousState() != null) {
      sb.append(",\"previousState\":\"").append(c.previousState().filterName()).append('"');
    }
    if (c.previousOwner() != null) {
      sb.append(",\"previousOwner\":");
      owner(c.previousOwner());
    }
    sb.append('}');
  }

  /** As {@link SocketJson#toJson}, without its closing brace (a change adds fields). */
  private void row(String node, OwnedSocket row) {
    SocketEntry e = row.socket();
    sb.append("{\"node\":");
    str(node);
    sb.append(",\"proto\":\"").append(e.proto().wireName())
        .append("\",\"family\":\"").append(e.family().wireName())
        .append("\",\"state\":\"").append(e.state().filterName())
        .append("\",\"ssState\":\"").append(e.state().ssName())
        .append("\",\"listening\":").append(e.isListening());
    if (e.proto() == Protocol.UNIX) {
      sb.append(",\"type\":");
      str(e.unixType() == null ? null : e.unixType().wireName());
      sb.append(",\"path\":");
      str(e.path());
      sb.append(",\"peerInode\":").append(e.peerInode());
    } else {
      sb.append(",\"localAddress\":");
      str(e.localAddress());
      sb.append(",\"localPort\":").append(e.localPort()).append(",\"remoteAddress\":");
      str(e.remoteAddress());
      sb.append(",\"remotePort\":").append(e.remotePort());
      if (e.isListening()) {
        sb.append(",\"exposure\":\"").append(Exposure.of(e.localAddress()).wireName()).append('"');
      }
      if (services != null) {
        String service = services.name(e.proto(), e.localPort());
        if (service == null && !e.isListening() && e.remotePort() != 0) {
          service = services.name(e.proto(), e.remotePort());
        }
        sb.append(",\"service\":");
        str(service);
      }
      sb.append(",\"uid\":").append(e.uid());
    }
    sb.append(",\"txQueue\":").append(e.txQueue()).append(",\"rxQueue\":").append(e.rxQueue())
        .append(",\"inode\":").append(e.inode()).append(",\"owner\":");
    owner(row.owner());
  }

  /** As {@link SocketJson#ownerToJson}. */
  private void owner(Owner owner) {
    ProcessInfo p = owner.process();
    if (p == null) {
      sb.append("{\"status\":\"").append(owner.status().wireName()).append("\"}");
      return;
    }
    String text = processText.get(p);
    if (text == null) {
      if (processText.size() > 10_000) {
        processText.clear(); // restarted daemons leave old processes behind; keep the cache small
      }
      int start = sb.length();
      sb.append("{\"status\":\"").append(owner.status().wireName()).append("\",\"pid\":").append(p.pid())
          .append(",\"process\":");
      str(p.name());
      sb.append(",\"user\":");
      str(p.user());
      sb.append(",\"uid\":").append(p.uid()).append(",\"cmdline\":");
      str(p.cmdline());
      sb.append(",\"unit\":");
      str(p.unit());
      sb.append(",\"container\":");
      str(p.container());
      sb.append(",\"startTime\":").append(p.startTimeTicks()).append('}');
      processText.put(p, sb.substring(start));
      return;
    }
    sb.append(text);
  }

  /** A JSON string (or null), escaped as JSON requires. */
  private void str(String s) {
    if (s == null) {
      sb.append("null");
      return;
    }
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }
}
