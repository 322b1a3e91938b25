package dev.portolan.owner;

/** How sure we are of a socket's owner. */
public enum OwnerStatus {
  /** A process holds the socket; pid and process fields are set. */
  PROCESS("process"),
  /** No file refers to the socket (TIME_WAIT, orphaned FIN_WAIT...): the kernel holds it. */
  KERNEL("kernel"),
  /** The socket's holder may be a process whose fd table we may not read (EACCES, even as root). */
  PERMISSION_DENIED("permission-denied"),
  /** Searched and not found (the socket may have gone between the table read and the walk). */
  UNKNOWN("unknown");

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
