package dev.portolan.scan;

/** What a probe learned about one port, in nmap's words. */
public enum PortState {
  /** TCP: the handshake completed. UDP: the service answered. */
  OPEN("open"),
  /** TCP: refused (RST). UDP: ICMP port unreachable. Reachable host, nothing listening. */
  CLOSED("closed"),
  /**
   * TCP: no answer within the timeout, after retries (a firewall drops it, or the host is down).
   */
  FILTERED("filtered"),
  /**
   * UDP: silence after retries. Either a listener that does not answer our probe, or a firewall.
   */
  OPEN_FILTERED("open|filtered");

  private final String wireName;

  PortState(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  public static PortState fromWire(String name) {
    for (PortState s : values()) {
      if (s.wireName.equals(name)) {
        return s;
      }
    }
    throw new IllegalArgumentException("unknown port state: " + name);
  }
}
