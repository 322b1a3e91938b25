package dev.portolan.sampling;

/**
 * How far a listener reaches, from its local address: every interface (0.0.0.0, ::), loopback only
 * (127.0.0.0/8, ::1, their v4-mapped forms: remote clients get "connection refused"), or one
 * specific address.
 */
public enum Exposure {
  ALL_INTERFACES("all-interfaces"),
  LOOPBACK_ONLY("loopback-only"),
  SPECIFIC_ADDRESS("specific-address");

  private final String wireName;

  Exposure(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  public static Exposure of(String localAddress) {
    if (localAddress == null) {
      return SPECIFIC_ADDRESS;
    }
    if (localAddress.equals("0.0.0.0")
        || localAddress.equals("::")
        || localAddress.equals("::ffff:0.0.0.0")) {
      return ALL_INTERFACES;
    }
    if (localAddress.startsWith("127.")
        || localAddress.equals("::1")
        || localAddress.startsWith("::ffff:127.")) {
      return LOOPBACK_ONLY;
    }
    return SPECIFIC_ADDRESS;
  }
}
