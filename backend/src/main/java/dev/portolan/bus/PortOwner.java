package dev.portolan.bus;

import dev.portolan.owner.Owner;
import dev.portolan.owner.OwnerStatus;
import dev.portolan.socket.SocketState;
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
  record Key(String node, HolderKey holder) {
    static Key of(ListedSocket s) {
      return new Key(s.node(), HolderKey.of(s.socket().netnsInode(), s.owner()));
    }
  }

  /** {@code rows} grouped by holder, in order of first appearance. */
  public static List<PortOwner> group(List<ListedSocket> rows) {
    Map<Key, Builder> groups = new LinkedHashMap<>();
    for (ListedSocket r : rows) {
      groups
          .computeIfAbsent(Key.of(r), k -> new Builder(r.node(), k.holder().netns(), r.owner()))
          .add(r.entry().state());
    }
    List<PortOwner> out = new ArrayList<>(groups.size());
    groups.values().forEach(b -> out.add(b.build()));
    return out;
  }

  /** Adds up groups as they come, one socket at a time. */
  public static final class Builder {
    private static final SocketState[] STATES = SocketState.values();
    private final String node;
    private final long netns;
    private final Owner owner;
    private int count;
    private final int[] byState = new int[STATES.length];

    public Builder(String node, long netns, Owner owner) {
      this.node = node;
      this.netns = netns;
      this.owner = owner;
    }

    /** One more socket, in {@code state}. */
    public Builder add(SocketState state) {
      count++;
      byState[state.ordinal()]++;
      return this;
    }

    public PortOwner build() {
      Map<String, Integer> states = new TreeMap<>();
      for (int i = 0; i < byState.length; i++) {
        if (byState[i] > 0) {
          states.merge(STATES[i].filterName(), byState[i], Integer::sum);
        }
      }
      return new PortOwner(node, netns, owner, count, states);
    }
  }

  /**
   * Sockets on one port grouped by holder as they come, in order of first appearance: a group is a
   * namespace and a holder (a pid, or the kind of owner when no process holds the socket). O(1) a
   * socket, with no text made for the key.
   */
  public static final class Groups {
    private final String node;
    private final Map<HolderKey, Builder> byHolder = new LinkedHashMap<>();

    private Builder last;
    private long lastNetns;
    private Owner lastOwner;

    public Groups(String node) {
      this.node = node;
    }

    /**
     * Counts one socket of {@code owner} in {@code netns}, in {@code state}. A socket of the same
     * holder as the one before (most of a port's sockets: a server's accepted connections) is
     * counted without a lookup.
     */
    public void add(long netns, Owner owner, SocketState state) {
      if (last == null || netns != lastNetns || !sameHolder(owner, lastOwner)) {
        HolderKey key = HolderKey.of(netns, owner);
        last = byHolder.get(key);
        if (last == null) {
          last = new Builder(node, netns, owner);
          byHolder.put(key, last);
        }
        lastNetns = netns;
        lastOwner = owner;
      }
      last.add(state);
    }

    public List<PortOwner> build() {
      List<PortOwner> out = new ArrayList<>(byHolder.size());
      for (Builder b : byHolder.values()) {
        out.add(b.build());
      }
      return out;
    }
  }

  /**
   * Whether {@code a} and {@code b} are the same holder: the same pid, or the same kind of owner.
   */
  public static boolean sameHolder(Owner a, Owner b) {
    return a.status() == b.status() && (a.process() == null || a.pid() == b.pid());
  }

  /** A group's key: namespace, and the pid, or the kind of owner when no process holds it. */
  public record HolderKey(long netns, int pid, OwnerStatus status) {
    public static HolderKey of(long netns, Owner o) {
      return new HolderKey(netns, o.process() != null ? o.pid() : 0, o.status());
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
