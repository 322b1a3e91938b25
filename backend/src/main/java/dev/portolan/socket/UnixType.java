package dev.portolan.socket;

/** Type of a unix domain socket, with the kernel's SOCK_* numbers. */
public enum UnixType {
  STREAM(1),
  DGRAM(2),
  SEQPACKET(5);

  private final int code;

  UnixType(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  public String wireName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  public static UnixType ofCode(int code) {
    for (UnixType t : values()) {
      if (t.code == code) {
        return t;
      }
    }
    return null;
  }
}
