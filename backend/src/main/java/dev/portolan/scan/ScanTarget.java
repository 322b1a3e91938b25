package dev.portolan.scan;

/**
 * What a user asked to scan: a host name, an IPv4 or IPv6 address, or a CIDR block. (Skeleton: lands with the
 * policy work.)
 */
public record ScanTarget(String text) {
  public static ScanTarget parse(String text) {
    return new ScanTarget(text);
  }
}
