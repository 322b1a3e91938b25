package dev.portolan.owner;

import java.util.Objects;

/**
 * Who holds a socket: a process (with its {@link ProcessInfo}), the kernel, or someone we could not
 * see.
 */
public record Owner(OwnerStatus status, ProcessInfo process) {

  public static final Owner KERNEL = new Owner(OwnerStatus.KERNEL, null);
  public static final Owner PERMISSION_DENIED = new Owner(OwnerStatus.PERMISSION_DENIED, null);
  public static final Owner UNKNOWN = new Owner(OwnerStatus.UNKNOWN, null);
  public static final Owner GONE = new Owner(OwnerStatus.GONE, null);

  public Owner {
    Objects.requireNonNull(status, "status");
    if ((status == OwnerStatus.PROCESS) != (process != null)) {
      throw new IllegalArgumentException("a process owner needs a process, and only it");
    }
  }

  public static Owner of(ProcessInfo process) {
    return new Owner(OwnerStatus.PROCESS, process);
  }

  public int pid() {
    return process == null ? -1 : process.pid();
  }
}
