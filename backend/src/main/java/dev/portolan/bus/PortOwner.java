package dev.portolan.bus;

import dev.portolan.owner.Owner;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One holder of sockets on a port, as {@code /api/v1/owners} groups them (like {@code fuser}'s one
 * line per process): a process, or the kernel, on one node and in one network namespace, with how
 * many of its sockets are on the port and in which states.
 */
public record PortOwner(
    String node, long netns, Owner owner, int sockets, Map<String, Integer> states) {

  public PortOwner {
    states = Map.copyOf(states);
  }

  /** What sockets are grouped by: node, namespace, and the holder (a pid, or the kind of owner). */
  record Key(String node, long netns, String holder) {
    static Key of(ListedSocket s) {
      return new Key(s.node(), s.socket().netnsInode(), PortOwner.holder(s.owner()));
    }
  }

  /** Which holder an owner is: its pid, or the kind of owner when no process holds it. */
  public static String holder(Owner o) {
    return o.process() != null ? "pid " + o.pid() : o.status().wireName();
  }

  /** {@code rows} grouped by holder, in order of first appearance. */
  public static List<PortOwner> group(List<ListedSocket> rows) {
    Map<Key, Builder> groups = new LinkedHashMap<>();
    for (ListedSocket r : rows) {
      groups
          .computeIfAbsent(Key.of(r), k -> new Builder(r.node(), k.netns(), r.owner()))
          .add(r.entry().state().filterName());
    }
    List<PortOwner> out = new ArrayList<>(groups.size());
    groups.values().forEach(b -> out.add(b.build()));
    return out;
  }

  /** Adds up groups as they come, one socket at a time. */
  public static final class Builder {
    private final String node;
    private final long netns;
    private final Owner owner;
    private int count;
    private final Map<String, Integer> states = new TreeMap<>();

    public Builder(String node, long netns, Owner owner) {
      this.node = node;
      this.netns = netns;
      this.owner = owner;
    }

    public Builder add(String state) {
      count++;
      states.merge(state, 1, Integer::sum);
      return this;
    }

    public PortOwner build() {
      return new PortOwner(node, netns, owner, count, states);
    }
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("node", node)
        .put("netns", netns)
        .put("owner", SocketJson.ownerToJson(owner))
        .put("sockets", sockets)
        .put("states", new JsonObject(new LinkedHashMap<>(states)));
  }

  public static PortOwner fromJson(JsonObject j) {
    Map<String, Integer> states = new TreeMap<>();
    JsonObject s = j.getJsonObject("states", new JsonObject());
    s.forEach(e -> states.put(e.getKey(), ((Number) e.getValue()).intValue()));
    return new PortOwner(
        j.getString("node"),
        j.getLong("netns", 0L),
        SocketJson.ownerFromJson(j.getJsonObject("owner")),
        j.getInteger("sockets", 0),
        states);
  }

  public static JsonArray toJson(List<PortOwner> owners) {
    JsonArray out = new JsonArray(new ArrayList<>(owners.size()));
    owners.forEach(o -> out.add(o.toJson()));
    return out;
  }

  public static List<PortOwner> listFromJson(JsonArray a) {
    if (a == null) {
      return List.of();
    }
    List<PortOwner> out = new ArrayList<>(a.size());
    for (int i = 0; i < a.size(); i++) {
      out.add(fromJson(a.getJsonObject(i)));
    }
    return out;
  }
}
