package dev.portolan.socket;

/**
 * Address family: {@code ipv4}, {@code ipv6} (v4-mapped addresses stay {@code ipv6}), {@code unix}.
 */
public enum Family {
  IPV4,
  IPV6,
  UNIX;

  private final String wireName = name().toLowerCase(java.util.Locale.ROOT);

  public String wireName() {
    return wireName;
  }

  public static Family fromWire(String name) {
    for (Family f : values()) {
      if (f.wireName.equals(name)) {
        return f;
      }
    }
    throw new IllegalArgumentException("unknown family: " + name);
  }
}
