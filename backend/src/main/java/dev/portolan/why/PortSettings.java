package dev.portolan.why;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The kernel's port settings that decide whether a bind may fail: {@code
 * net.ipv4.ip_unprivileged_port_start} (ports below need root or CAP_NET_BIND_SERVICE) and {@code
 * net.ipv4.ip_local_port_range} (the ephemeral ports the kernel hands to outgoing connections).
 */
public record PortSettings(int unprivilegedPortStart, int ephemeralLow, int ephemeralHigh) {

  /** Linux's defaults, for when {@code /proc/sys} cannot be read. */
  public static final PortSettings LINUX_DEFAULTS = new PortSettings(1024, 32768, 60999);

  /** This host's settings, from {@code /proc/sys}. */
  public static PortSettings read() {
    return read(Path.of("/proc/sys"));
  }

  /** The settings under {@code procSys}; a file that cannot be read keeps Linux's default. */
  public static PortSettings read(Path procSys) {
    Path ipv4 = procSys.resolve("net/ipv4");
    int start = LINUX_DEFAULTS.unprivilegedPortStart();
    int low = LINUX_DEFAULTS.ephemeralLow();
    int high = LINUX_DEFAULTS.ephemeralHigh();
    try {
      start = Integer.parseInt(text(ipv4.resolve("ip_unprivileged_port_start")));
    } catch (IOException | NumberFormatException e) {
      // keep the default
    }
    try {
      String[] range = text(ipv4.resolve("ip_local_port_range")).split("\\s+");
      low = Integer.parseInt(range[0]);
      high = Integer.parseInt(range[1]);
    } catch (IOException | RuntimeException e) {
      // keep the default
    }
    return new PortSettings(start, low, high);
  }

  /**
   * The file's text. Read as a stream: Files.readString trusts the size, and /proc reports a size
   * that is not the text's (it read "3" of "32768\t60999").
   */
  private static String text(Path file) throws IOException {
    try (var in = Files.newInputStream(file)) {
      return new String(in.readAllBytes(), StandardCharsets.US_ASCII).strip();
    }
  }

  public boolean privileged(int port) {
    return port > 0 && port < unprivilegedPortStart;
  }

  public boolean ephemeral(int port) {
    return port >= ephemeralLow && port <= ephemeralHigh;
  }
}
