package dev.portolan.owner;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads the systemd unit and the container id out of the text of {@code /proc/PID/cgroup}. A pure
 * function, for cgroup v2 ({@code 0::/system.slice/sshd.service}), v1 (one line per hierarchy) and
 * hybrid files.
 *
 * <p>Unit: the last path component ending in {@code .service}, {@code .socket}, {@code .scope} or
 * {@code .slice} that is not a container's scope. Container: a docker ({@code /docker/<64hex>},
 * {@code docker-<64hex>.scope}), containerd/CRI ({@code cri-containerd-<id>.scope}, {@code
 * ...:cri-containerd:<id>}, kubepods cgroupfs paths), podman ({@code libpod-<id>.scope}), CRI-O
 * ({@code crio-<id>.scope}) or LXC ({@code /lxc/<name>}, {@code /lxc.payload.<name>}) id; any other
 * component of 64 hex digits is taken as a container id too. Monitor scopes ({@code
 * libpod-conmon-*}, {@code crio-conmon-*}) are neither unit nor container.
 */
public final class CgroupParser {

  /** What a cgroup file says: the systemd unit and the container id, each null when absent. */
  public record Cgroup(String unit, String container) {
    public static final Cgroup NONE = new Cgroup(null, null);
  }

  private static final String[] CONTAINER_SCOPE_PREFIXES = {
    "docker-", "cri-containerd-", "libpod-", "crio-"
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
    String container = null;
    for (String path : paths) {
      container = containerOf(path);
      if (container != null) {
        break;
      }
    }
    return unit == null && container == null ? Cgroup.NONE : new Cgroup(unit, container);
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

  /** The container id a single cgroup path names, or null. */
  static String containerOf(String path) {
    String[] parts = path.split("/");
    for (int i = parts.length - 1; i >= 0; i--) {
      String p = parts[i];
      if (p.isEmpty() || isMonitorScope(p)) {
        continue;
      }
      int criColon = p.lastIndexOf(":cri-containerd:");
      if (criColon >= 0) {
        return nonEmpty(p.substring(criColon + ":cri-containerd:".length()));
      }
      for (String prefix : CONTAINER_SCOPE_PREFIXES) {
        if (p.startsWith(prefix)) {
          String id =
              p.endsWith(".scope")
                  ? p.substring(prefix.length(), p.length() - ".scope".length())
                  : p.substring(prefix.length());
          if (p.endsWith(".scope") || isHex64(id)) {
            return nonEmpty(id);
          }
        }
      }
      if (p.startsWith("lxc.payload.")) {
        return nonEmpty(p.substring("lxc.payload.".length()));
      }
      if (i > 0 && parts[i - 1].equals("lxc")) {
        return p;
      }
      if (isHex64(p)) {
        return p;
      }
    }
    return null;
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

  private static String nonEmpty(String s) {
    return s.isEmpty() ? null : s;
  }
}
