package dev.portolan.bus;

import dev.portolan.netns.NamespaceLabel;
import dev.portolan.netns.NamespaceSummary;
import dev.portolan.netns.NodeNamespaces;
import dev.portolan.sampling.NamespaceCounts;
import dev.portolan.sampling.NodeSnapshot;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A node's answer on {@link Addresses#NAMESPACES}: its network namespaces with what each is, how it
 * is read and its sockets counted, as of its last sample.
 *
 * @param node the node
 * @param sampling whether the node samples its other namespaces: "on", or "off: why"
 * @param takenAtMillis when the sample counted was taken
 * @param namespaces the own namespace first, then the others by inode
 */
public record NamespacesReply(
    String node, String sampling, long takenAtMillis, List<Namespace> namespaces) {

  public NamespacesReply {
    namespaces = List.copyOf(namespaces);
  }

  /**
   * One namespace.
   *
   * @param inode its inode
   * @param label what it is; null when not labelled
   * @param own whether Portolan runs in it
   * @param reader "netlink" or "proc"; null when no reader could be opened
   * @param note why it is read through /proc, has no reader or failed to read; null when none
   * @param pids a few of its processes
   * @param pidCount how many processes are in it
   * @param listening listeners counted
   * @param established TCP connections ESTABLISHED counted
   * @param total every socket counted
   */
  public record Namespace(
      long inode,
      NamespaceLabel label,
      boolean own,
      String reader,
      String note,
      List<Integer> pids,
      int pidCount,
      int listening,
      int established,
      int total) {
    public Namespace {
      pids = List.copyOf(pids);
    }

    JsonObject toJson() {
      JsonObject j = new JsonObject().put("netns", inode);
      if (label != null) {
        j.put("kind", label.kind().wireName()).put("names", new JsonObject(label.toJson()));
        j.put("text", label.text());
      }
      return j.put("own", own)
          .put("reader", reader)
          .put("note", note)
          .put("pids", new JsonArray(new ArrayList<>(pids)))
          .put("processes", pidCount)
          .put(
              "sockets",
              new JsonObject()
                  .put("listening", listening)
                  .put("established", established)
                  .put("total", total));
    }

    static Namespace fromJson(JsonObject j) {
      JsonObject names = j.getJsonObject("names");
      JsonObject sockets = j.getJsonObject("sockets", new JsonObject());
      List<Integer> pids = new ArrayList<>();
      JsonArray pa = j.getJsonArray("pids", new JsonArray());
      for (int i = 0; i < pa.size(); i++) {
        pids.add(pa.getInteger(i));
      }
      return new Namespace(
          j.getLong("netns", 0L),
          names == null ? null : NamespaceLabel.fromJson(names.getMap()),
          j.getBoolean("own", false),
          j.getString("reader"),
          j.getString("note"),
          pids,
          j.getInteger("processes", 0),
          sockets.getInteger("listening", 0),
          sockets.getInteger("established", 0),
          sockets.getInteger("total", 0));
    }
  }

  /**
   * The namespaces of {@code spaces} (null: none known but the own one) with the sockets of {@code
   * snapshot} counted; the own namespace's reader is {@code ownReader}.
   */
  public static NamespacesReply of(
      NodeSnapshot snapshot, NodeNamespaces.Sample spaces, String sampling, String ownReader) {
    Map<Long, NamespaceCounts> counts = NamespaceCounts.of(snapshot.sockets());
    List<Namespace> rows = new ArrayList<>();
    if (spaces == null || spaces.summaries().isEmpty()) {
      long own = spaces == null ? 0 : spaces.own().inode();
      NamespaceLabel label = spaces == null ? null : spaces.own().label();
      NamespaceCounts c = counts.getOrDefault(own, NamespaceCounts.NONE);
      rows.add(
          new Namespace(
              own,
              label,
              true,
              ownReader,
              null,
              List.of(),
              0,
              c.listening(),
              c.established(),
              c.total()));
    } else {
      for (NamespaceSummary n : spaces.summaries()) {
        NamespaceCounts c = counts.getOrDefault(n.namespace().inode(), NamespaceCounts.NONE);
        rows.add(
            new Namespace(
                n.namespace().inode(),
                n.namespace().label(),
                n.own(),
                n.own() ? ownReader : n.method(),
                n.note(),
                n.pids(),
                n.pidCount(),
                c.listening(),
                c.established(),
                c.total()));
      }
    }
    return new NamespacesReply(snapshot.node(), sampling, snapshot.takenAtMillis(), rows);
  }

  public JsonObject toJson() {
    JsonArray rows = new JsonArray();
    namespaces.forEach(n -> rows.add(n.toJson()));
    return new JsonObject()
        .put("node", node)
        .put("sampling", sampling)
        .put("takenAt", takenAtMillis)
        .put("namespaces", rows);
  }

  public static NamespacesReply fromJson(JsonObject j) {
    List<Namespace> rows = new ArrayList<>();
    JsonArray a = j.getJsonArray("namespaces", new JsonArray());
    for (int i = 0; i < a.size(); i++) {
      rows.add(Namespace.fromJson(a.getJsonObject(i)));
    }
    return new NamespacesReply(
        j.getString("node"), j.getString("sampling"), j.getLong("takenAt", 0L), rows);
  }
}
