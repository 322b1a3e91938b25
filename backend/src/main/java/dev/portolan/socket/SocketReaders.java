package dev.portolan.socket;

import dev.portolan.socket.netlink.NetlinkSocketReader;
import dev.portolan.socket.proc.ProcNetReader;
import java.io.IOException;
import java.util.Locale;

/**
 * Picks the socket table reader: netlink where the kernel allows it, /proc otherwise, or the one
 * asked for.
 */
public final class SocketReaders {

  /** The {@code socketReader} setting. */
  public enum Setting {
    AUTO,
    NETLINK,
    PROC;

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** "auto", "netlink" or "proc"; IllegalArgumentException otherwise. */
    public static Setting parse(String text) {
      for (Setting s : values()) {
        if (s.wireName().equals(text.trim().toLowerCase(Locale.ROOT))) {
          return s;
        }
      }
      throw new IllegalArgumentException(
          "invalid socketReader '" + text + "': auto, netlink or proc");
    }
  }

  /**
   * The reader chosen, and when it is not what was asked for (auto falling back to /proc), why;
   * else null.
   */
  public record Chosen(SocketTableReader reader, String note) {}

  private SocketReaders() {}

  /**
   * {@code auto}: netlink if a probe dump of every kind succeeds, else /proc with the reason in the
   * note. {@code netlink}: netlink or an IOException saying why not. {@code proc}: /proc.
   */
  public static Chosen choose(Setting setting) throws IOException {
    return switch (setting) {
      case PROC -> new Chosen(ProcNetReader.create(), null);
      case NETLINK -> {
        try {
          yield new Chosen(NetlinkSocketReader.open(), null);
        } catch (IOException e) {
          throw new IOException(
              "socket reader netlink is not available here: " + e.getMessage(), e);
        }
      }
      case AUTO -> {
        try {
          yield new Chosen(NetlinkSocketReader.open(), null);
        } catch (IOException | RuntimeException e) {
          yield new Chosen(
              ProcNetReader.create(),
              "netlink sock_diag unavailable (" + e.getMessage() + "), reading /proc/net instead");
        }
      }
    };
  }
}
