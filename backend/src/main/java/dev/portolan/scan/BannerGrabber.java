package dev.portolan.scan;

import java.net.InetAddress;
import java.time.Duration;

/** Light service detection on an open TCP port. (Skeleton: lands with the banner work.) */
public final class BannerGrabber {
  private BannerGrabber() {
  }

  public static BannerGrabber create() {
    return new BannerGrabber();
  }

  /** Blocking (call it on a virtual thread); never throws; null when the port said nothing useful in time. */
  public Banner grab(InetAddress address, int port, Duration timeout) {
    return null;
  }
}
