package dev.portolan.owner;

/** The container runtime a cgroup path names, with the name it has in JSON and the docs. */
public enum ContainerRuntime {
  DOCKER("docker"),
  CONTAINERD("containerd"),
  CRIO("cri-o"),
  PODMAN("podman"),
  LXC("lxc");

  private final String wireName;

  ContainerRuntime(String wireName) {
    this.wireName = wireName;
  }

  /**
   * The lower-case name: {@code docker}, {@code containerd}, {@code cri-o}, {@code podman}, {@code
   * lxc}.
   */
  public String wireName() {
    return wireName;
  }

  /** The runtime of a wire name, or null when the name is null or unknown. */
  public static ContainerRuntime ofWireName(String name) {
    for (ContainerRuntime r : values()) {
      if (r.wireName.equals(name)) {
        return r;
      }
    }
    return null;
  }
}
