package dev.portolan.netns;

import dev.portolan.owner.ContainerRuntime;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What a network namespace is. {@code netnsName} is its {@code ip netns} name (any kind may have
 * one: containerd and CRI-O name pods' namespaces too); the container fields say which container
 * holds it (for a pod, the one application container when there is exactly one); the pod fields
 * which Kubernetes pod. Every field but {@code kind} may be null.
 */
public record NamespaceLabel(
    Kind kind,
    String netnsName,
    String containerId,
    String containerName,
    ContainerRuntime runtime,
    String podNamespace,
    String podName,
    String podUid) {

  /** What kind of namespace it is, most specific first when several apply. */
  public enum Kind {
    /** The namespace of the host (of the agent's node). */
    HOST,
    /** A namespace with an {@code ip netns} name and no container in it. */
    NAMED,
    /** A container's namespace, outside Kubernetes. */
    CONTAINER,
    /** A Kubernetes pod's namespace (shared by the pod's containers). */
    POD,
    /** Nothing says what it is: an {@code unshare -n}, a sandbox, a process gone. */
    UNKNOWN;

    /** The lower-case name used in JSON. */
    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }

    static Kind ofWireName(String name) {
      for (Kind k : values()) {
        if (k.wireName().equals(name)) {
          return k;
        }
      }
      return UNKNOWN;
    }
  }

  public NamespaceLabel {
    if (kind == null) {
      throw new IllegalArgumentException("a namespace label has a kind");
    }
  }

  /** The host's namespace, with its {@code ip netns} name if it has one. */
  public static NamespaceLabel host(String netnsName) {
    return new NamespaceLabel(Kind.HOST, netnsName, null, null, null, null, null, null);
  }

  /** A named namespace with nothing else known. */
  public static NamespaceLabel named(String netnsName) {
    return new NamespaceLabel(Kind.NAMED, netnsName, null, null, null, null, null, null);
  }

  /** Nothing known but perhaps a name; {@link Kind#NAMED} when it has one. */
  public static NamespaceLabel unknown(String netnsName) {
    return netnsName == null
        ? new NamespaceLabel(Kind.UNKNOWN, null, null, null, null, null, null, null)
        : named(netnsName);
  }

  /**
   * Short text for people: {@code host}, {@code netns blue}, {@code container web (docker)}, {@code
   * pod default/web-0}, {@code unknown}.
   */
  public String text() {
    return switch (kind) {
      case HOST -> "host";
      case NAMED -> "netns " + netnsName;
      case CONTAINER ->
          "container "
              + (containerName != null ? containerName : shortId(containerId))
              + (runtime == null ? "" : " (" + runtime.wireName() + ")");
      case POD ->
          "pod "
              + (podNamespace == null ? "" : podNamespace + "/")
              + (podName != null ? podName : podUid);
      case UNKNOWN -> "unknown";
    };
  }

  /** The JSON form: {@code kind} always, every other field only when known. */
  public Map<String, Object> toJson() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("kind", kind.wireName());
    putIfKnown(json, "netnsName", netnsName);
    putIfKnown(json, "containerId", containerId);
    putIfKnown(json, "containerName", containerName);
    putIfKnown(json, "runtime", runtime == null ? null : runtime.wireName());
    putIfKnown(json, "podNamespace", podNamespace);
    putIfKnown(json, "podName", podName);
    putIfKnown(json, "podUid", podUid);
    return json;
  }

  /**
   * Reads {@link #toJson()}'s form back; an unknown kind is {@link Kind#UNKNOWN}, an unknown
   * runtime null, a field that is not a string absent.
   */
  public static NamespaceLabel fromJson(Map<String, ?> json) {
    return new NamespaceLabel(
        Kind.ofWireName(string(json, "kind")),
        string(json, "netnsName"),
        string(json, "containerId"),
        string(json, "containerName"),
        ContainerRuntime.ofWireName(string(json, "runtime")),
        string(json, "podNamespace"),
        string(json, "podName"),
        string(json, "podUid"));
  }

  private static void putIfKnown(Map<String, Object> json, String key, String value) {
    if (value != null) {
      json.put(key, value);
    }
  }

  private static String string(Map<String, ?> json, String key) {
    return json.get(key) instanceof String s ? s : null;
  }

  private static String shortId(String id) {
    return id == null ? "?" : id.length() > 12 ? id.substring(0, 12) : id;
  }
}
