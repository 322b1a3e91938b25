package dev.portolan.sampling;

/**
 * What happened to a socket between two samples; {@link #sseEvent()} is the SSE event name. {@link
 * #SHORT_LIVED}: a socket that opened and closed between two samples, which no sample saw (the
 * kernel announced its destruction); it never enters a table.
 */
public enum ChangeKind {
  OPENED("opened", "socket-opened"),
  CLOSED("closed", "socket-closed"),
  STATE_CHANGED("state-changed", "socket-state"),
  OWNER_CHANGED("owner-changed", "owner-changed"),
  SHORT_LIVED("short-lived", "socket-short-lived"),
  /**
   * The socket's network namespace got another label (say an {@code ip netns} name, or a container
   * found after the first sample): one per row of that namespace, each with its new label. Also a
   * {@code docker-proxy} listener whose {@code forwardsTo} changed (its container's name learnt
   * late): the row as it is now.
   */
  NAMESPACE_CHANGED("namespace-changed", "socket-namespace");

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

  /**
   * Whether a table holding the socket changes: false for {@link #SHORT_LIVED}, which no table ever
   * held.
   */
  public boolean changesTable() {
    return this != SHORT_LIVED;
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
