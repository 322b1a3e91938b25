package dev.portolan.socket;

/**
 * Transport of a socket, named as {@code ss} and the API name it ({@code tcp}, {@code udp}, {@code
 * unix}).
 */
public enum Protocol {
  TCP,
  UDP,
  UNIX;

  private final String wireName = name().toLowerCase(java.util.Locale.ROOT);

  public String wireName() {
    return wireName;
  }

  public static Protocol fromWire(String name) {
    for (Protocol p : values()) {
      if (p.wireName.equals(name)) {
        return p;
      }
    }
    throw new IllegalArgumentException("unknown protocol: " + name);
  }
}
