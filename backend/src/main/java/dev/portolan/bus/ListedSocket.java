package dev.portolan.bus;

import dev.portolan.owner.Owner;
import dev.portolan.owner.OwnerStatus;
import dev.portolan.sampling.OwnedSocket;
import dev.portolan.service.ServiceNames;
import dev.portolan.socket.Protocol;
import dev.portolan.socket.SocketEntry;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * A socket row as replies carry it ({@link SocketJson}'s shape): the socket with its owner, its
 * node, the service name it shows, and {@code live} for rows of fleet answers (false: as last seen
 * on a down node; null: not said).
 */
public record ListedSocket(String node, OwnedSocket socket, String service, Boolean live) {

  /**
   * A row of {@code node}, its service named by {@code services}; {@code live} null: the row does
   * not say.
   */
  public static ListedSocket of(
      String node, OwnedSocket socket, ServiceNames services, Boolean live) {
    return new ListedSocket(node, socket, SocketJson.serviceOf(socket.socket(), services), live);
  }

  /** This row saying whether its node is live. */
  public ListedSocket withLive(boolean isLive) {
    return new ListedSocket(node, socket, service, isLive);
  }

  public SocketEntry entry() {
    return socket.socket();
  }

  public Owner owner() {
    return socket.owner();
  }

  /** The owning process's pid, or null when the owner is not a process. */
  public Integer pid() {
    Owner o = socket.owner();
    return o.status() == OwnerStatus.PROCESS && o.process() != null ? o.process().pid() : null;
  }

  public boolean isUnix() {
    return entry().proto() == Protocol.UNIX;
  }

  public JsonObject toJson() {
    JsonObject j = SocketJson.toJsonWithService(node, socket, service);
    if (live != null) {
      j.put("live", live);
    }
    return j;
  }

  public static ListedSocket fromJson(JsonObject j) {
    return new ListedSocket(
        j.getString("node"), SocketJson.fromJson(j), j.getString("service"), j.getBoolean("live"));
  }

  public static JsonArray toJson(List<ListedSocket> rows) {
    JsonArray out = new JsonArray(new ArrayList<>(rows.size()));
    for (ListedSocket r : rows) {
      out.add(r.toJson());
    }
    return out;
  }

  /** The rows of {@code rows}; none for null. */
  public static List<ListedSocket> listFromJson(JsonArray rows) {
    if (rows == null) {
      return List.of();
    }
    List<ListedSocket> out = new ArrayList<>(rows.size());
    for (int i = 0; i < rows.size(); i++) {
      out.add(fromJson(rows.getJsonObject(i)));
    }
    return out;
  }
}
