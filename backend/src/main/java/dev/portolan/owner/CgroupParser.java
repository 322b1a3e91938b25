package dev.portolan.owner;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads the systemd unit, the container id, its runtime and the Kubernetes pod uid out of the text
 * of {@code /proc/PID/cgroup}. A pure function, for cgroup v2 ({@code
 * 0::/system.slice/sshd.service}), v1 (one line per hierarchy) and hybrid files.
 *
 * <p>Unit: the last path component ending in {@code .service}, {@code .socket}, {@code .scope} or
 * {@code .slice} that is not a container's scope. Container: a docker ({@code /docker/<64hex>},
 * {@code docker-<64hex>.scope}), containerd/CRI ({@code cri-containerd-<id>.scope}, {@code
 * ...:cri-containerd:<id>}, kubepods cgroupfs paths), podman ({@code libpod-<id>.scope}), CRI-O
 * ({@code crio-<id>.scope}) or LXC ({@code /lxc/<name>}, {@code /lxc.payload.<name>}) id; any other
 * component of 64 hex digits is taken as a container id too. Monitor scopes ({@code
 * libpod-conmon-*}, {@code crio-conmon-*}) are neither unit nor container.
 *
 * <p>Runtime: the scope's prefix says it ({@code docker-}, {@code cri-containerd-} or {@code
 * :cri-containerd:}, {@code crio-}, {@code libpod-}), as do v1's {@code /docker/<id>} and the LXC
 * forms; a bare id under {@code kubepods} (the cgroupfs driver) names no runtime. Pod uid: from a
 * kubepods path, the systemd driver's {@code kubepods-<qos>-pod<uid>.slice} (where the uid's {@code
 * -} are written {@code _}, turned back here) or the cgroupfs driver's {@code
 * /kubepods/<qos>/pod<uid>/}.
 */
public final class CgroupParser {

  /**
   * What a cgroup file says: the systemd unit, the container id, the container's runtime and the
   * Kubernetes pod uid (with {@code -}), each null when absent.
   */
  public record Cgroup(String unit, String container, ContainerRuntime runtime, String podUid) {
    public static final Cgroup NONE = new Cgroup(null, null, null, null);

    /** A unit and container without runtime or pod. */
    public Cgroup(String unit, String container) {
      this(unit, container, null, null);
    }
  }

  /** A container id and the runtime its path names (null when the path does not say). */
  record ContainerRef(String id, ContainerRuntime runtime) {}

  private static final String[] CONTAINER_SCOPE_PREFIXES = {
    "docker-", "cri-containerd-", "libpod-", "crio-"
  };

  /** The runtime of each of {@link #CONTAINER_SCOPE_PREFIXES}, in the same order. */
  private static final ContainerRuntime[] SCOPE_RUNTIMES = {
    ContainerRuntime.DOCKER,
    ContainerRuntime.CONTAINERD,
    ContainerRuntime.PODMAN,
    ContainerRuntime.CRIO
  };

  private CgroupParser() {}

  /** Parses the whole text of a {@code /proc/PID/cgroup} file; never throws on odd input. */
  public static Cgroup parse(String text) {
    if (text == null || text.isEmpty()) {
      return Cgroup.NONE;
    }
    List<String> paths = pathsByPreference(text);
    String unit = null;
    for (String path : paths) {
      unit = unitOf(path);
      if (unit != null) {
        break;
      }
    }
    ContainerRef container = null;
    for (String path : paths) {
      container = containerRefOf(path);
      if (container != null) {
        break;
      }
    }
    String podUid = null;
    for (String path : paths) {
      podUid = podUidOf(path);
      if (podUid != null) {
        break;
      }
    }
    if (unit == null && container == null && podUid == null) {
      return Cgroup.NONE;
    }
    return container == null
        ? new Cgroup(unit, null, null, podUid)
        : new Cgroup(unit, container.id(), container.runtime(), podUid);
  }

  /** The systemd unit a single cgroup path names, or null. */
  static String unitOf(String path) {
    String[] parts = path.split("/");
    for (int i = parts.length - 1; i >= 0; i--) {
      String p = parts[i];
      if (isUnitName(p) && !isContainerScope(p) && !isMonitorScope(p)) {
        return p;
      }
    }
    return null;
  }

  /** The container id and runtime a single cgroup path names, or null. */
  static ContainerRef containerRefOf(String path) {
    String[] parts = path.split("/");
    for (int i = parts.length - 1; i >= 0; i--) {
      String p = parts[i];
      if (p.isEmpty() || isMonitorScope(p)) {
        continue;
      }
      int criColon = p.lastIndexOf(":cri-containerd:");
      if (criColon >= 0) {
        return ref(
            p.substring(criColon + ":cri-containerd:".length()), ContainerRuntime.CONTAINERD);
      }
      for (int k = 0; k < CONTAINER_SCOPE_PREFIXES.length; k++) {
        String prefix = CONTAINER_SCOPE_PREFIXES[k];
        if (p.startsWith(prefix)) {
          String id =
              p.endsWith(".scope")
                  ? p.substring(prefix.length(), p.length() - ".scope".length())
                  : p.substring(prefix.length());
          if (p.endsWith(".scope") || isHex64(id)) {
            return ref(id, SCOPE_RUNTIMES[k]);
          }
        }
      }
      if (p.startsWith("lxc.payload.")) {
        return ref(p.substring("lxc.payload.".length()), ContainerRuntime.LXC);
      }
      if (i > 0 && parts[i - 1].equals("lxc")) {
        return new ContainerRef(p, ContainerRuntime.LXC);
      }
      if (isHex64(p)) {
        return new ContainerRef(
            p, i > 0 && parts[i - 1].equals("docker") ? ContainerRuntime.DOCKER : null);
      }
    }
    return null;
  }

  /**
   * The Kubernetes pod uid a single cgroup path names (with {@code -}), or null: only from a path
   * with a {@code kubepods} component.
   */
  static String podUidOf(String path) {
    if (!path.contains("kubepods")) {
      return null;
    }
    String[] parts = path.split("/");
    boolean underKubepods = false;
    for (String part : parts) {
      // containerd's own cgroup names ("...-pod<uid>.slice:cri-containerd:<id>")
      int colon = part.indexOf(':');
      String p = colon < 0 ? part : part.substring(0, colon);
      if (p.contains("kubepods") && p.endsWith(".slice")) {
        int pod = p.lastIndexOf("-pod");
        if (pod >= 0) {
          String uid = p.substring(pod + "-pod".length(), p.length() - ".slice".length());
          if (!uid.isEmpty()) {
            return uid.replace('_', '-');
          }
        }
      } else if (p.equals("kubepods") || p.endsWith("-kubepods") || p.endsWith(".kubepods")) {
        underKubepods = true;
      } else if (underKubepods && p.startsWith("pod") && p.length() > "pod".length()) {
        return p.substring("pod".length());
      }
    }
    return null;
  }

  private static ContainerRef ref(String id, ContainerRuntime runtime) {
    return id.isEmpty() ? null : new ContainerRef(id, runtime);
  }

  /**
   * The name=systemd line first, then the v2 unified line, then the rest in file order; "/"
   * dropped.
   */
  private static List<String> pathsByPreference(String text) {
    String systemd = null;
    String unified = null;
    List<String> others = new ArrayList<>();
    for (String line : text.split("\n")) {
      int first = line.indexOf(':');
      int second = first < 0 ? -1 : line.indexOf(':', first + 1);
      if (second < 0) {
        continue;
      }
      String controllers = line.substring(first + 1, second);
      String path = line.substring(second + 1).trim();
      if (path.isEmpty() || path.equals("/")) {
        continue;
      }
      if (controllers.equals("name=systemd") && systemd == null) {
        systemd = path;
      } else if (controllers.isEmpty() && line.startsWith("0:") && unified == null) {
        unified = path;
      } else {
        others.add(path);
      }
    }
    List<String> paths = new ArrayList<>(others.size() + 2);
    if (systemd != null) {
      paths.add(systemd);
    }
    if (unified != null) {
      paths.add(unified);
    }
    paths.addAll(others);
    return paths;
  }

  private static boolean isUnitName(String p) {
    return p.endsWith(".service")
        || p.endsWith(".socket")
        || p.endsWith(".scope")
        || p.endsWith(".slice");
  }

  private static boolean isContainerScope(String p) {
    if (!p.endsWith(".scope")) {
      return false;
    }
    for (String prefix : CONTAINER_SCOPE_PREFIXES) {
      if (p.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }

  private static boolean isMonitorScope(String p) {
    return p.startsWith("libpod-conmon-") || p.startsWith("crio-conmon-");
  }

  private static boolean isHex64(String s) {
    if (s.length() != 64) {
      return false;
    }
    for (int i = 0; i < 64; i++) {
      char c = s.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }
}
