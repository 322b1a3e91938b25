package dev.portolan.bus;

import dev.portolan.netns.NamespaceLabel;
import dev.portolan.netns.SocketNamespace;
import dev.portolan.sampling.OwnedSocket;
import io.vertx.core.json.JsonObject;

/**
 * The network namespace fields of a socket's JSON: {@code netns} (the namespace's inode; always
 * there, 0 only for a row that does not say, such as a node's own row when the node does not know
 * its own namespace), {@code netnsKind} ({@code host}, {@code named}, {@code container}, {@code
 * pod}, {@code unknown}) and {@code netnsName} (its {@code ip netns} name) when labelled, {@code
 * container} ({@code id}, {@code name}, {@code runtime}) and {@code pod} ({@code namespace}, {@code
 * name}, {@code uid}) when known.
 */
final class NamespaceJson {
  private NamespaceJson() {}

  static void put(JsonObject j, OwnedSocket row) {
    j.put("netns", row.netnsInode());
    putLabel(j, row.namespace());
  }

  /** A namespace on its own (a process's): {@code netns} and its label's fields. */
  static JsonObject of(SocketNamespace ns) {
    JsonObject j = new JsonObject().put("netns", ns.inode());
    putLabel(j, ns);
    return j;
  }

  private static void putLabel(JsonObject j, SocketNamespace ns) {
    NamespaceLabel label = ns == null ? null : ns.label();
    if (label == null) {
      return;
    }
    j.put("netnsKind", label.kind().wireName());
    if (label.netnsName() != null) {
      j.put("netnsName", label.netnsName());
    }
    if (label.containerId() != null || label.containerName() != null) {
      JsonObject c = new JsonObject();
      putIfKnown(c, "id", label.containerId());
      putIfKnown(c, "name", label.containerName());
      putIfKnown(c, "runtime", label.runtime() == null ? null : label.runtime().wireName());
      j.put("container", c);
    }
    if (label.podUid() != null || label.podName() != null) {
      JsonObject p = new JsonObject();
      putIfKnown(p, "namespace", label.podNamespace());
      putIfKnown(p, "name", label.podName());
      putIfKnown(p, "uid", label.podUid());
      j.put("pod", p);
    }
  }

  /** The namespace {@link #put} wrote, or null when the row says none (no {@code netns}, or 0). */
  static SocketNamespace read(JsonObject j) {
    long inode = j.getLong("netns", 0L);
    if (inode == 0) {
      return null;
    }
    String kind = j.getString("netnsKind");
    if (kind == null) {
      return SocketNamespace.of(inode);
    }
    JsonObject c = j.getJsonObject("container", new JsonObject());
    JsonObject p = j.getJsonObject("pod", new JsonObject());
    NamespaceLabel label =
        NamespaceLabel.fromJson(
            new JsonObject()
                .put("kind", kind)
                .put("netnsName", j.getString("netnsName"))
                .put("containerId", c.getString("id"))
                .put("containerName", c.getString("name"))
                .put("runtime", c.getString("runtime"))
                .put("podNamespace", p.getString("namespace"))
                .put("podName", p.getString("name"))
                .put("podUid", p.getString("uid"))
                .getMap());
    return new SocketNamespace(inode, label);
  }

  private static void putIfKnown(JsonObject j, String key, String value) {
    if (value != null) {
      j.put(key, value);
    }
  }
}
