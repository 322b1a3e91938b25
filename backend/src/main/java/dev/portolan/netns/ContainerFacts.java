package dev.portolan.netns;

import java.util.Map;

/**
 * What a runtime's files say about one container: its name, whether it is a pod's sandbox (the
 * {@code pause} container that holds the pod's namespaces) and, for a Kubernetes container, its
 * pod. Any of the strings may be null; {@link #NONE} when nothing was found.
 */
record ContainerFacts(
    String name, boolean sandbox, String podNamespace, String podName, String podUid) {

  static final ContainerFacts NONE = new ContainerFacts(null, false, null, null, null);

  /** This, with each field that is unknown here taken from {@code other}. */
  ContainerFacts or(ContainerFacts other) {
    return new ContainerFacts(
        name != null ? name : other.name,
        sandbox || other.sandbox,
        podNamespace != null ? podNamespace : other.podNamespace,
        podName != null ? podName : other.podName,
        podUid != null ? podUid : other.podUid);
  }

  /** Whether nothing more is to be learnt: the container's name (or sandbox) and its pod's. */
  boolean complete() {
    return (name != null || sandbox)
        && (podUid == null || (podNamespace != null && podName != null));
  }

  /**
   * The facts a Kubernetes container name carries, as cri-dockerd and CRI-O name containers: {@code
   * k8s_<container>_<pod>_<namespace>_<uid>_<attempt>} ({@code _} appears in none of the parts; the
   * sandbox's container is {@code POD}); the name itself as the container's otherwise.
   */
  static ContainerFacts ofName(String name) {
    if (name == null || name.isEmpty()) {
      return NONE;
    }
    String[] parts = name.split("_", -1);
    if (parts.length == 6 && parts[0].equals("k8s")) {
      boolean sandbox = parts[1].equals("POD");
      return new ContainerFacts(sandbox ? null : parts[1], sandbox, parts[3], parts[2], parts[4]);
    }
    return new ContainerFacts(name, false, null, null, null);
  }

  /**
   * The facts of Kubernetes annotations or labels, given the keys one runtime uses for each: the
   * container's name (a sandbox's is absent or {@code POD}), the container type ({@code sandbox} or
   * {@code podsandbox} for a sandbox), the pod's name, namespace and uid.
   */
  static ContainerFacts ofKubernetesKeys(
      Map<String, Object> values,
      String nameKey,
      String typeKey,
      String podNameKey,
      String podNamespaceKey,
      String podUidKey) {
    String type = JsonTree.string(values, typeKey);
    String name = JsonTree.string(values, nameKey);
    boolean sandbox = "sandbox".equals(type) || "podsandbox".equals(type) || "POD".equals(name);
    String podUid = JsonTree.string(values, podUidKey);
    String podName = JsonTree.string(values, podNameKey);
    if (name == null && podUid == null && podName == null && !sandbox) {
      return NONE;
    }
    return new ContainerFacts(
        sandbox ? null : name, sandbox, JsonTree.string(values, podNamespaceKey), podName, podUid);
  }
}
