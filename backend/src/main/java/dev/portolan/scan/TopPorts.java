package dev.portolan.scan;

import dev.portolan.sampler.Protocol;

/** The most common ports per protocol, most frequent first. (Placeholder: the ranked list lands with the data file.) */
public final class TopPorts {
  private static final int[] TCP = {80, 23, 443, 21, 22, 25, 3389, 110, 445, 139};
  private static final int[] UDP = {631, 161, 137, 123, 138, 1434, 445, 135, 67, 53};

  private TopPorts() {
  }

  public static int size(Protocol proto) {
    return (proto == Protocol.UDP ? UDP : TCP).length;
  }

  public static int[] top(Protocol proto, int n) {
    return java.util.Arrays.copyOf(proto == Protocol.UDP ? UDP : TCP, n);
  }
}
