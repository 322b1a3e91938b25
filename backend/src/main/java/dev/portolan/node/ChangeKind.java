package dev.portolan.node;

/** What happened to a socket between two samples; {@link #sseEvent()} is the SSE event name. */
public enum ChangeKind {
  OPENED("opened", "socket-opened"),
  CLOSED("closed", "socket-closed"),
  STATE_CHANGED("state-changed", "socket-state"),
  OWNER_CHANGED("owner-changed", "owner-changed");

  private final String wireName;
  private final String sseEvent;

  ChangeKind(String wireName, String sseEvent) {
    this.wireName = wireName;
    this.sseEvent = sseEvent;
  }

  public String wireName() {
    return wireName;
  }

  public String sseEvent() {
    return sseEvent;
  }

  public static ChangeKind fromWire(String name) {
    for (ChangeKind k : values()) {
      if (k.wireName.equals(name)) {
        return k;
      }
    }
    throw new IllegalArgumentException("unknown change kind: " + name);
  }
}
