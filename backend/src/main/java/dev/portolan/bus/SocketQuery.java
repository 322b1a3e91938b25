package dev.portolan.bus;

import dev.portolan.sampling.SocketFilter;
import dev.portolan.sampling.SocketFilter.ProtocolChoice;
import dev.portolan.socket.Family;
import dev.portolan.socket.Protocol;
import dev.portolan.socket.SocketState;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.Set;

/** A request for a page of sockets, sent on {@link Addresses#SOCKETS_QUERY}. */
public record SocketQuery(SocketFilter filter, int limit, String cursor) {

  public JsonObject toJson() {
    SocketFilter f = filter;
    JsonObject j =
        new JsonObject()
            .put("limit", limit)
            .put("cursor", cursor)
            .put("node", f.node())
            .put("listening", f.listening())
            .put("port", f.port())
            .put("localPort", f.localPort())
            .put("remotePort", f.remotePort())
            .put("pid", f.pid())
            .put("q", f.text())
            .put("netns", f.netns())
            .put("container", f.container())
            .put("pod", f.pod());
    if (f.protocols() != null) {
      JsonArray protos = new JsonArray();
      for (ProtocolChoice p : f.protocols()) {
        protos.add(
            new JsonObject()
                .put("proto", p.proto() == null ? null : p.proto().wireName())
                .put("family", p.family() == null ? null : p.family().wireName()));
      }
      j.put("protocols", protos);
    }
    if (f.states() != null) {
      JsonArray states = new JsonArray();
      f.states().forEach(s -> states.add(s.filterName()));
      j.put("states", states);
    }
    return j;
  }

  public static SocketQuery fromJson(JsonObject j) {
    Set<ProtocolChoice> protos = null;
    JsonArray pa = j.getJsonArray("protocols");
    if (pa != null) {
      protos = new LinkedHashSet<>();
      for (int i = 0; i < pa.size(); i++) {
        JsonObject p = pa.getJsonObject(i);
        String proto = p.getString("proto");
        String family = p.getString("family");
        protos.add(
            new ProtocolChoice(
                proto == null ? null : Protocol.fromWire(proto),
                family == null ? null : Family.fromWire(family)));
      }
    }
    Set<SocketState> states = null;
    JsonArray sa = j.getJsonArray("states");
    if (sa != null) {
      states = EnumSet.noneOf(SocketState.class);
      for (int i = 0; i < sa.size(); i++) {
        states.add(SocketState.parse(sa.getString(i)));
      }
    }
    SocketFilter filter =
        new SocketFilter(
            j.getString("node"),
            protos,
            states,
            j.getBoolean("listening"),
            j.getInteger("port"),
            j.getInteger("localPort"),
            j.getInteger("remotePort"),
            j.getInteger("pid"),
            j.getString("q"),
            j.getLong("netns"),
            j.getString("container"),
            j.getString("pod"));
    return new SocketQuery(filter, j.getInteger("limit"), j.getString("cursor"));
  }
}
