package dev.portolan.netns;

import dev.portolan.owner.ContainerRuntime;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Says what each network namespace is ({@link NamespaceLabel}) from the processes in it: their
 * {@code /proc/<pid>/cgroup} (container id, runtime, pod uid), the runtimes' files on disk ({@link
 * RuntimeFiles}), the kubelet's {@code /var/log/pods} directory names and, for a pod's name when
 * nothing else gives it, the process environment ({@code HOSTNAME} of a process whose environment
 * has {@code KUBERNETES_SERVICE_HOST}). No runtime socket or API.
 *
 * <p>A namespace's label is kept until its processes (but for the host's), name or host flag
 * change, an incomplete one (a container or pod the files do not name yet) only for {@link
 * #RECHECK_INCOMPLETE_EVERY} calls; what the files say about a container is kept per container id,
 * and about a pod per uid, while a namespace that has them is kept. {@link #forget} and {@link
 * #retainOnly} let them go. Safe for use from several threads (one at a time).
 */
public final class NamespaceLabeler {

  /**
   * The runtimes' files and directories read, under the host root ({@code <id>} a container id):
   * k8s/README.md lists each, and nothing else of the runtimes is read.
   */
  public static final List<String> RUNTIME_FILES =
      List.of(
          "/var/lib/docker/containers/<id>/config.v2.json",
          "/var/lib/containers/storage/overlay-containers/<id>/userdata/config.json",
          "/var/lib/containers/storage/overlay-containers/containers.json",
          "/run/containerd/io.containerd.runtime.v2.task/k8s.io/<id>/config.json",
          "/var/log/containers/",
          "/var/log/pods/");

  /**
   * An incomplete label (a container without its name, a pod without its namespace or name) is made
   * again after it was given this many times unchanged: a runtime writes its files after the
   * container's first process starts, so the first sample may come before them.
   */
  static final int RECHECK_INCOMPLETE_EVERY = 5;

  /** At most this many of a namespace's processes are looked at (the host's alone has them all). */
  static final int MAX_PIDS_READ = 64;

  private final Path procRoot;
  private final RuntimeFiles files;
  private final Map<Long, Entry> entries = new HashMap<>();
  private final Map<String, ContainerFacts> containers = new HashMap<>();
  private final Map<String, ContainerFacts> pods = new HashMap<>();

  private record Entry(
      NamespaceLabel label,
      Set<Integer> pids,
      String netnsName,
      boolean host,
      Set<String> containerIds,
      int uses) {

    Entry(
        NamespaceLabel label,
        Set<Integer> pids,
        String netnsName,
        boolean host,
        Set<String> containerIds) {
      this(label, pids, netnsName, host, containerIds, 0);
    }

    /** This entry given once more. */
    Entry used() {
      return new Entry(label, pids, netnsName, host, containerIds, uses + 1);
    }
  }

  private NamespaceLabeler(Path procRoot, Path hostRoot) {
    this.procRoot = procRoot;
    this.files = new RuntimeFiles(hostRoot);
  }

  /**
   * A labeler reading processes under {@code procRoot} ({@code /proc}) and the runtimes' files
   * under {@code hostRoot} ({@code /}, or {@code /proc/1/root} from a container with the host's PID
   * namespace).
   */
  public static NamespaceLabeler create(Path procRoot, Path hostRoot) {
    return new NamespaceLabeler(procRoot, hostRoot);
  }

  /**
   * The label of the namespace with this inode.
   *
   * @param pids the processes in it (any order; some may have exited)
   * @param netnsName its {@code ip netns} name, or null
   * @param host whether it is the host's namespace
   */
  public synchronized NamespaceLabel label(
      long inode, Collection<Integer> pids, String netnsName, boolean host) {
    Entry cached = entries.get(inode);
    boolean sameNamespace =
        cached != null && cached.host() == host && Objects.equals(cached.netnsName(), netnsName);
    if (host) {
      // the host's processes come and go every sample, and say nothing more: not compared
      if (!sameNamespace) {
        cached = new Entry(NamespaceLabel.host(netnsName), Set.of(), netnsName, true, Set.of());
        entries.put(inode, cached);
      }
      return cached.label();
    }
    Set<Integer> pidSet = Set.copyOf(pids);
    if (sameNamespace && cached.pids().equals(pidSet)) {
      if (!incomplete(cached.label())) {
        return cached.label();
      }
      if (cached.uses() + 1 < RECHECK_INCOMPLETE_EVERY) {
        entries.put(inode, cached.used());
        return cached.label();
      }
    }
    Entry entry = examine(pidSet, netnsName);
    entries.put(inode, entry);
    return entry.label();
  }

  /** A container without its name, or a pod without its namespace or name: files may come later. */
  static boolean incomplete(NamespaceLabel label) {
    return switch (label.kind()) {
      case CONTAINER -> label.containerName() == null;
      case POD -> label.podName() == null || label.podNamespace() == null;
      case HOST, NAMED, UNKNOWN -> false;
    };
  }

  /** Forgets the namespace with this inode (it is gone). */
  public synchronized void forget(long inode) {
    entries.remove(inode);
    dropUnreferenced();
  }

  /** Forgets every namespace but these. */
  public synchronized void retainOnly(Set<Long> inodes) {
    entries.keySet().retainAll(inodes);
    dropUnreferenced();
  }

  /** How many namespaces, containers and pods are remembered (for tests and metrics). */
  synchronized int[] cacheSizes() {
    return new int[] {entries.size(), containers.size(), pods.size()};
  }

  private Entry examine(Set<Integer> pids, String netnsName) {
    List<ProcessEvidence> evidence = evidence(pids);
    Map<String, ContainerRuntime> runtimes = new LinkedHashMap<>();
    String podUid = null;
    for (ProcessEvidence e : evidence) {
      if (e.containerId() != null) {
        runtimes.putIfAbsent(e.containerId(), e.runtime());
      }
      if (podUid == null) {
        podUid = e.podUid();
      }
    }
    Map<String, ContainerFacts> facts = new LinkedHashMap<>();
    for (String id : runtimes.keySet()) {
      facts.put(id, containerFacts(id));
    }
    if (podUid == null) {
      podUid =
          facts.values().stream()
              .map(ContainerFacts::podUid)
              .filter(Objects::nonNull)
              .findFirst()
              .orElse(null);
    }
    Set<String> ids = Set.copyOf(runtimes.keySet());
    if (podUid == null && runtimes.isEmpty()) {
      return new Entry(NamespaceLabel.unknown(netnsName), pids, netnsName, false, ids);
    }
    String appContainer = appContainer(evidence, facts);
    ContainerFacts app = appContainer == null ? ContainerFacts.NONE : facts.get(appContainer);
    ContainerRuntime runtime =
        appContainer != null
            ? runtimes.get(appContainer)
            : runtimes.values().stream().filter(Objects::nonNull).findFirst().orElse(null);
    if (podUid == null) {
      NamespaceLabel label =
          new NamespaceLabel(
              NamespaceLabel.Kind.CONTAINER,
              netnsName,
              appContainer,
              app.name(),
              runtime,
              null,
              null,
              null);
      return new Entry(label, pids, netnsName, false, ids);
    }
    ContainerFacts pod = podFacts(podUid, facts.values(), evidence);
    NamespaceLabel label =
        new NamespaceLabel(
            NamespaceLabel.Kind.POD,
            netnsName,
            appContainer,
            app.name(),
            runtime,
            pod.podNamespace(),
            pod.podName(),
            podUid);
    return new Entry(label, pids, netnsName, false, ids);
  }

  /**
   * The evidence of up to {@link #MAX_PIDS_READ} processes, lowest pid first; gone ones skipped.
   */
  private List<ProcessEvidence> evidence(Set<Integer> pids) {
    List<ProcessEvidence> out = new ArrayList<>();
    for (int pid : new TreeSet<>(pids)) {
      if (out.size() == MAX_PIDS_READ) {
        break;
      }
      ProcessEvidence e = ProcessEvidence.read(procRoot, pid);
      if (e != null) {
        out.add(e);
      }
    }
    return out;
  }

  /**
   * The namespace's application container: of its processes' containers, those that are not a pod's
   * sandbox ({@code pause}); the one if there is one; else, outside a pod, the one of the lowest
   * pid (containers may share a namespace, as with {@code --network container:...}); in a pod with
   * several, none (they share the pod's namespace alike).
   */
  private static String appContainer(
      List<ProcessEvidence> evidence, Map<String, ContainerFacts> facts) {
    Set<String> apps = new LinkedHashSet<>();
    boolean pod = false;
    for (ProcessEvidence e : evidence) {
      pod |= e.podUid() != null;
      if (e.containerId() != null && !e.pause() && !facts.get(e.containerId()).sandbox()) {
        apps.add(e.containerId());
      }
    }
    for (ContainerFacts f : facts.values()) {
      pod |= f.podUid() != null;
    }
    if (apps.size() == 1 || (!pod && !apps.isEmpty())) {
      return apps.iterator().next();
    }
    if (pod || facts.isEmpty()) {
      return null;
    }
    return facts.keySet().iterator().next();
  }

  /**
   * The pod's namespace and name: the runtimes' files, /var/log/pods, then a process's HOSTNAME.
   */
  private ContainerFacts podFacts(
      String uid, Collection<ContainerFacts> containerFacts, List<ProcessEvidence> evidence) {
    ContainerFacts pod = new ContainerFacts(null, false, null, null, uid);
    for (ContainerFacts f : containerFacts) {
      if (uid.equals(f.podUid()) || f.podUid() == null) {
        pod = pod.or(new ContainerFacts(null, false, f.podNamespace(), f.podName(), uid));
      }
    }
    if (pod.podNamespace() == null || pod.podName() == null) {
      pod = pod.or(podDirectory(uid));
    }
    if (pod.podName() == null) {
      for (ProcessEvidence e : evidence) {
        if (!e.pause()) {
          String hostname = e.kubernetesHostname(procRoot);
          if (hostname != null) {
            pod = pod.or(new ContainerFacts(null, false, null, hostname, uid));
            break;
          }
        }
      }
    }
    return pod;
  }

  /** What the files say about a container; remembered once they say something. */
  private ContainerFacts containerFacts(String id) {
    ContainerFacts known = containers.get(id);
    if (known != null) {
      return known;
    }
    ContainerFacts read = files.factsOf(id);
    if (!read.equals(ContainerFacts.NONE)) {
      containers.put(id, read);
    }
    return read;
  }

  /** The pod's /var/log/pods directory; remembered once found (the kubelet makes it at start). */
  private ContainerFacts podDirectory(String uid) {
    ContainerFacts known = pods.get(uid);
    if (known != null) {
      return known;
    }
    ContainerFacts read = files.podOf(uid);
    if (!read.equals(ContainerFacts.NONE)) {
      pods.put(uid, read);
    }
    return read;
  }

  private void dropUnreferenced() {
    Set<String> ids = new HashSet<>();
    Set<String> uids = new HashSet<>();
    for (Entry e : entries.values()) {
      ids.addAll(e.containerIds());
      if (e.label().podUid() != null) {
        uids.add(e.label().podUid());
      }
    }
    containers.keySet().retainAll(ids);
    pods.keySet().retainAll(uids);
  }
}
