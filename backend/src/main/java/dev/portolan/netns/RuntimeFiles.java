package dev.portolan.netns;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What the container runtimes' files on disk say about a container, under a host root ({@code /},
 * or the node's root as seen from a container, such as {@code /proc/1/root}). Files only, never a
 * runtime's socket or API; each source is read if it exists:
 *
 * <ul>
 *   <li>Docker: {@code /var/lib/docker/containers/<id>/config.v2.json} ({@code Name}; cri-dockerd's
 *       {@code io.kubernetes.*} labels);
 *   <li>CRI-O (and podman): {@code
 *       /var/lib/containers/storage/overlay-containers/<id>/userdata/config.json} (the OCI spec's
 *       {@code io.kubernetes.*} annotations), and that directory's {@code containers.json} (the
 *       {@code names} of each container);
 *   <li>containerd's CRI: {@code
 *       /run/containerd/io.containerd.runtime.v2.task/k8s.io/<id>/config.json} ({@code
 *       io.kubernetes.cri.*} annotations);
 *   <li>the kubelet's {@code /var/log/containers/<pod>_<namespace>_<container>-<id>.log} names.
 * </ul>
 */
final class RuntimeFiles {

  /** What may be a container id in a path: no separators, no dot-only names. */
  private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");

  private final Path hostRoot;

  RuntimeFiles(Path hostRoot) {
    this.hostRoot = hostRoot;
  }

  /**
   * Everything the files say about container {@code id}; {@link ContainerFacts#NONE} if nothing.
   */
  ContainerFacts factsOf(String id) {
    if (id == null || !SAFE_ID.matcher(id).matches()) {
      return ContainerFacts.NONE;
    }
    ContainerFacts facts = docker(id);
    if (!facts.complete()) {
      facts = facts.or(criO(id));
    }
    if (!facts.complete()) {
      facts = facts.or(containerd(id));
    }
    if (!facts.complete()) {
      facts = facts.or(containersStorage(id));
    }
    if (!facts.complete()) {
      facts = facts.or(kubeletLogLink(id));
    }
    return facts;
  }

  /** Docker's config.v2.json: {@code Name} ("/web") and, under cri-dockerd, the pod's labels. */
  ContainerFacts docker(String id) {
    Object config = JsonTree.read(dockerConfig(id));
    if (config == null) {
      return ContainerFacts.NONE;
    }
    ContainerFacts labels =
        ContainerFacts.ofKubernetesKeys(
            JsonTree.map(JsonTree.map(config, "Config"), "Labels"),
            "io.kubernetes.container.name",
            "io.kubernetes.docker.type",
            "io.kubernetes.pod.name",
            "io.kubernetes.pod.namespace",
            "io.kubernetes.pod.uid");
    String name = JsonTree.string(config, "Name");
    if (name != null && name.startsWith("/")) {
      name = name.substring(1);
    }
    return labels.or(ContainerFacts.ofName(name));
  }

  Path dockerConfig(String id) {
    return hostRoot.resolve("var/lib/docker/containers").resolve(id).resolve("config.v2.json");
  }

  /** CRI-O's OCI spec in containers/storage: the {@code io.kubernetes.*} annotations. */
  private ContainerFacts criO(String id) {
    Object spec = JsonTree.read(storage().resolve(id).resolve("userdata/config.json"));
    return ContainerFacts.ofKubernetesKeys(
        JsonTree.map(spec, "annotations"),
        "io.kubernetes.container.name",
        "io.kubernetes.cri-o.ContainerType",
        "io.kubernetes.pod.name",
        "io.kubernetes.pod.namespace",
        "io.kubernetes.pod.uid");
  }

  /** containerd's running task bundle of the CRI's namespace ({@code k8s.io}). */
  private ContainerFacts containerd(String id) {
    Object spec =
        JsonTree.read(
            hostRoot
                .resolve("run/containerd/io.containerd.runtime.v2.task/k8s.io")
                .resolve(id)
                .resolve("config.json"));
    return ContainerFacts.ofKubernetesKeys(
        JsonTree.map(spec, "annotations"),
        "io.kubernetes.cri.container-name",
        "io.kubernetes.cri.container-type",
        "io.kubernetes.cri.sandbox-name",
        "io.kubernetes.cri.sandbox-namespace",
        "io.kubernetes.cri.sandbox-uid");
  }

  /** containers/storage's list (podman's and CRI-O's): the container's first name. */
  private ContainerFacts containersStorage(String id) {
    Object list = JsonTree.read(storage().resolve("containers.json"));
    if (!(list instanceof List<?> containers)) {
      return ContainerFacts.NONE;
    }
    for (Object c : containers) {
      if (c instanceof Map<?, ?> m
          && id.equals(m.get("id"))
          && m.get("names") instanceof List<?> names
          && !names.isEmpty()
          && names.getFirst() instanceof String name) {
        return ContainerFacts.ofName(name);
      }
    }
    return ContainerFacts.NONE;
  }

  /** The kubelet's {@code /var/log/containers/<pod>_<namespace>_<container>-<id>.log}. */
  private ContainerFacts kubeletLogLink(String id) {
    String suffix = "-" + id + ".log";
    for (String file : SmallFiles.names(hostRoot.resolve("var/log/containers"))) {
      if (file.endsWith(suffix)) {
        String[] parts = file.substring(0, file.length() - suffix.length()).split("_", -1);
        if (parts.length == 3) {
          return new ContainerFacts(parts[2], false, parts[1], parts[0], null);
        }
      }
    }
    return ContainerFacts.NONE;
  }

  /**
   * The pod with this uid as the kubelet's {@code /var/log/pods/<namespace>_<name>_<uid>} directory
   * names it: facts with the pod's namespace and name, or {@link ContainerFacts#NONE}.
   */
  ContainerFacts podOf(String uid) {
    if (uid == null || !SAFE_ID.matcher(uid).matches()) {
      return ContainerFacts.NONE;
    }
    String suffix = "_" + uid;
    for (String dir : SmallFiles.names(hostRoot.resolve("var/log/pods"))) {
      if (dir.endsWith(suffix)) {
        String rest = dir.substring(0, dir.length() - suffix.length());
        int sep = rest.indexOf('_');
        if (sep > 0 && sep < rest.length() - 1) {
          return new ContainerFacts(
              null, false, rest.substring(0, sep), rest.substring(sep + 1), uid);
        }
      }
    }
    return ContainerFacts.NONE;
  }

  private Path storage() {
    return hostRoot.resolve("var/lib/containers/storage/overlay-containers");
  }
}
