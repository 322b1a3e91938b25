package dev.portolan.bus;

import dev.portolan.netns.SocketNamespace;
import dev.portolan.owner.ProcessInfo;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * A node's answer on {@link Addresses#OWNER_LOOKUP} for a pid ("lsof -p PID -i"): the process, its
 * sockets as last sampled (owned by it, confirmed with readlink), and the inodes of sockets it
 * holds that the last sample did not have ({@code unsampledInodes}: opened since), and the network
 * namespace it is in ({@code namespace}: inode and label; null when /proc did not say).
 */
public record ProcessReply(
    String node,
    ProcessInfo process,
    long sampledAt,
    List<ListedSocket> sockets,
    List<Long> unsampledInodes,
    SocketNamespace namespace) {

  public ProcessReply {
    sockets = List.copyOf(sockets);
    unsampledInodes = List.copyOf(unsampledInodes);
  }

  public JsonObject toJson() {
    JsonObject j =
        new JsonObject()
            .put("node", node)
            .put("process", SocketJson.processToJson(process))
            .put("sampledAt", sampledAt)
            .put("sockets", ListedSocket.toJson(sockets))
            .put("unsampledInodes", new JsonArray(new ArrayList<>(unsampledInodes)));
    if (namespace != null) {
      j.put("namespace", NamespaceJson.of(namespace));
    }
    return j;
  }

  public static ProcessReply fromJson(JsonObject j) {
    List<Long> unsampled = new ArrayList<>();
    j.getJsonArray("unsampledInodes", new JsonArray())
        .forEach(i -> unsampled.add(((Number) i).longValue()));
    return new ProcessReply(
        j.getString("node"),
        SocketJson.processFromJson(j.getJsonObject("process")),
        j.getLong("sampledAt", 0L),
        ListedSocket.listFromJson(j.getJsonArray("sockets")),
        unsampled,
        j.getJsonObject("namespace") == null
            ? null
            : NamespaceJson.read(j.getJsonObject("namespace")));
  }
}
