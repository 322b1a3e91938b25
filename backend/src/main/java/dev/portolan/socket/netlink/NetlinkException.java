package dev.portolan.socket.netlink;

import java.io.IOException;

/**
 * A netlink system call or the kernel's answer failed; {@link #errno()} is the Linux error number
 * (0 if none).
 */
public final class NetlinkException extends IOException {
  public static final int EPERM = 1;
  public static final int ENOENT = 2;
  public static final int EINTR = 4;
  public static final int EAGAIN = 11;
  public static final int EACCES = 13;
  public static final int EINVAL = 22;
  public static final int EPROTONOSUPPORT = 93;
  public static final int EOPNOTSUPP = 95;
  public static final int EAFNOSUPPORT = 97;
  public static final int ENOBUFS = 105;

  private final int errno;

  public NetlinkException(String what, int errno) {
    super(what + ": " + describe(errno));
    this.errno = errno;
  }

  public int errno() {
    return errno;
  }

  /** "EACCES (permission denied)" and the like; "errno N" for numbers not listed. */
  public static String describe(int errno) {
    return switch (errno) {
      case EPERM -> "EPERM (operation not permitted)";
      case ENOENT -> "ENOENT (not supported by this kernel)";
      case EINTR -> "EINTR (interrupted)";
      case EAGAIN -> "EAGAIN (timed out)";
      case EACCES -> "EACCES (permission denied)";
      case EINVAL -> "EINVAL (invalid argument)";
      case EPROTONOSUPPORT -> "EPROTONOSUPPORT (protocol not supported)";
      case EOPNOTSUPP -> "EOPNOTSUPP (operation not supported)";
      case EAFNOSUPPORT -> "EAFNOSUPPORT (address family not supported)";
      case ENOBUFS -> "ENOBUFS (receive buffer overrun: messages were lost)";
      default -> "errno " + errno;
    };
  }
}
