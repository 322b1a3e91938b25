package dev.portolan.owner;

/** How sure we are of a socket's owner. */
public enum OwnerStatus {
  /** A process holds the socket; pid and process fields are set. */
  PROCESS("process"),
  /** No file refers to the socket (TIME_WAIT, orphaned FIN_WAIT...): the kernel holds it. */
  KERNEL("kernel"),
  /**
   * The socket's holder may be a process whose fd table we may not read (EACCES, even as root):
   * every readable process was searched, it is still there, and some fd table was unreadable.
   */
  PERMISSION_DENIED("permission-denied"),
  /** Searched and not found (yet: not every process was searched since it appeared). */
  UNKNOWN("unknown"),
  /**
   * Its holder let go of it after the table was read: the process that held it exited or closed it
   * (a short-lived client, say), and the kernel's table no longer lists it with a holder.
   */
  GONE("gone");

  private final String wireName;

  OwnerStatus(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  public static OwnerStatus fromWire(String name) {
    for (OwnerStatus s : values()) {
      if (s.wireName.equals(name)) {
        return s;
      }
    }
    throw new IllegalArgumentException("unknown owner status: " + name);
  }
}
