package dev.portolan.bus;

import dev.portolan.netns.SocketNamespace;
import dev.portolan.owner.Owner;
import dev.portolan.owner.ProcessInfo;
import dev.portolan.sampling.ListenerReach;
import dev.portolan.sampling.OwnedSocket;
import dev.portolan.sampling.SocketChange;
import dev.portolan.service.ServiceNames;
import dev.portolan.socket.Protocol;
import dev.portolan.socket.SocketEntry;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;

/**
 * Socket rows and changes written straight to JSON text into a {@link StringBuilder}: the same
 * fields, values and nulls as {@link SocketJson#toJson} and {@link ChangeBatch#changeToJson} (tests
 * hold them equal), without building a {@link io.vertx.core.json.JsonObject} map per row and
 * encoding it. For the hot paths: the hub's SSE feed writes every change of the fleet, a simulator
 * thousands of changes a second. A process's owner text is cached (a node has a few dozen processes
 * behind thousands of sockets). Not thread-safe: one per event loop.
 */
public final class JsonText {
  /** Owners (and namespaces) whose text is kept, by default: a node's processes, many times. */
  public static final int NODE_CACHED_OWNERS = 10_000;

  /**
   * Owners whose text a hub's feed keeps: a fleet's processes (5,000 nodes of a few dozen each;
   * ~300 bytes a text). Fewer made the cache useless on a hub of 2,000 nodes: emptied every few
   * seconds when full, it missed most owners it was asked for.
   */
  public static final int FLEET_CACHED_OWNERS = 200_000;

  private final ServiceNames services;
  private final int maxCachedOwners;
  private final Map<ProcessInfo, String> ownerText = new HashMap<>();
  private final Map<SocketNamespace, String> namespaceText = new HashMap<>();

  public JsonText(ServiceNames services) {
    this(services, NODE_CACHED_OWNERS);
  }

  /** {@code maxCachedOwners}: how many owners' (and namespaces') texts are kept at most. */
  public JsonText(ServiceNames services, int maxCachedOwners) {
    this.services = services;
    this.maxCachedOwners = maxCachedOwners;
  }

  /** As {@link ChangeBatch#changeToJson}. */
  public void change(StringBuilder sb, SocketChange c) {
    rowFields(sb, c.node(), c.current());
    sb.append(",\"change\":\"")
        .append(c.kind().wireName())
        .append("\",\"seq\":")
        .append(c.seq())
        .append(",\"timestamp\":")
        .append(c.timestampMillis());
    if (c.previousState() != null) {
      sb.append(",\"previousState\":\"").append(c.previousState().filterName()).append('"');
    }
    if (c.previousOwner() != null) {
      sb.append(",\"previousOwner\":");
      owner(sb, c.previousOwner());
    }
    if (c.shortLived() != null) {
      sb.append(",\"closedAt\":").append(c.shortLived().closedAtMillis());
      if (c.shortLived().ownerFrom() != null) {
        sb.append(",\"ownerFrom\":");
        string(sb, c.shortLived().ownerFrom());
      }
    }
    sb.append('}');
  }

  /** As {@link SocketJson#toJson}. */
  public void row(StringBuilder sb, String node, OwnedSocket row) {
    rowFields(sb, node, row);
    sb.append('}');
  }

  /** A row without its closing brace (a change adds fields). */
  private void rowFields(StringBuilder sb, String node, OwnedSocket row) {
    SocketEntry e = row.socket();
    sb.append("{\"node\":");
    string(sb, node);
    sb.append(",\"proto\":\"")
        .append(e.proto().wireName())
        .append("\",\"family\":\"")
        .append(e.family().wireName())
        .append("\",\"state\":\"")
        .append(e.state().filterName())
        .append("\",\"ssState\":\"")
        .append(e.state().ssName())
        .append("\",\"listening\":")
        .append(e.isListening());
    if (e.proto() == Protocol.UNIX) {
      sb.append(",\"type\":");
      string(sb, e.unixType() == null ? null : e.unixType().wireName());
      sb.append(",\"path\":");
      string(sb, e.path());
      sb.append(",\"peerInode\":").append(e.peerInode());
    } else {
      sb.append(",\"localAddress\":");
      string(sb, e.localAddress());
      sb.append(",\"localPort\":").append(e.localPort()).append(",\"remoteAddress\":");
      string(sb, e.remoteAddress());
      sb.append(",\"remotePort\":").append(e.remotePort());
      if (e.isListening()) {
        sb.append(",\"exposure\":\"")
            .append(ListenerReach.of(e.localAddress(), row.namespace()).wireName())
            .append('"');
      }
      if (services != null) {
        String service = services.name(e.proto(), e.localPort());
        if (service == null && !e.isListening() && e.remotePort() != 0) {
          service = services.name(e.proto(), e.remotePort());
        }
        sb.append(",\"service\":");
        string(sb, service);
      }
      sb.append(",\"uid\":").append(e.uid());
    }
    sb.append(",\"txQueue\":")
        .append(e.txQueue())
        .append(",\"rxQueue\":")
        .append(e.rxQueue())
        .append(",\"inode\":")
        .append(e.inode())
        .append(",\"owner\":");
    owner(sb, row.owner());
    if (row.fd() >= 0 && row.owner().process() != null) {
      // the owner's text is cached per process; the fd is the socket's own: inside its braces
      sb.setLength(sb.length() - 1);
      sb.append(",\"fd\":").append(row.fd()).append('}');
    }
    namespace(sb, row);
    if (row.forwardsTo() != null) {
      sb.append(",\"forwardsTo\":").append(SocketJson.forwardToJson(row.forwardsTo(), e).encode());
    }
  }

  /** As {@link NamespaceJson#put}: a labelled namespace's fields are made once and kept. */
  private void namespace(StringBuilder sb, OwnedSocket row) {
    SocketNamespace ns = row.namespace();
    if (ns == null || ns.label() == null) {
      sb.append(",\"netns\":").append(row.netnsInode());
      return;
    }
    String text = namespaceText.get(ns);
    if (text == null) {
      JsonObject j = new JsonObject();
      NamespaceJson.put(j, row);
      String encoded = j.encode();
      text = "," + encoded.substring(1, encoded.length() - 1);
      if (namespaceText.size() >= maxCachedOwners) {
        namespaceText.clear();
      }
      namespaceText.put(ns, text);
    }
    sb.append(text);
  }

  /** As {@link SocketJson#ownerToJson}. */
  public void owner(StringBuilder sb, Owner owner) {
    ProcessInfo p = owner.process();
    if (p == null) {
      sb.append("{\"status\":\"").append(owner.status().wireName()).append("\"}");
      return;
    }
    String text = ownerText.get(p);
    if (text != null) {
      sb.append(text);
      return;
    }
    int start = sb.length();
    sb.append("{\"status\":\"")
        .append(owner.status().wireName())
        .append("\",\"pid\":")
        .append(p.pid())
        .append(",\"process\":");
    string(sb, p.name());
    sb.append(",\"user\":");
    string(sb, p.user());
    sb.append(",\"uid\":").append(p.uid()).append(",\"cmdline\":");
    string(sb, p.cmdline());
    sb.append(",\"unit\":");
    string(sb, p.unit());
    sb.append(",\"container\":");
    string(sb, p.container());
    sb.append(",\"startTime\":").append(p.startTimeTicks()).append('}');
    if (ownerText.size() >= maxCachedOwners) {
      ownerText.clear(); // processes come and go; keep the cache small
    }
    ownerText.put(p, sb.substring(start));
  }

  /** A JSON string (or null), escaped as JSON requires. */
  public static void string(StringBuilder sb, String s) {
    if (s == null) {
      sb.append("null");
      return;
    }
    sb.append('"');
    int from = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= 0x20 && c != '"' && c != '\\') {
        continue;
      }
      sb.append(s, from, i);
      from = i + 1;
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> sb.append(String.format("\\u%04x", (int) c));
      }
    }
    sb.append(s, from, s.length()).append('"');
  }
}
