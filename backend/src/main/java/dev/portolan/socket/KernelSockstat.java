package dev.portolan.socket;

import java.util.Map;

/**
 * What {@code /proc/net/sockstat} and {@code sockstat6} say, as {@code ss -s} prints it: a map of
 * "TCP" -> {inuse=.., orphan=.., tw=.., alloc=.., mem=..}, "UDP" -> {...}, "TCP6" -> {...}, and
 * "sockets" -> {used=..}. Keys as the kernel writes them.
 */
public record KernelSockstat(Map<String, Map<String, Long>> counters) {
  public KernelSockstat {
    counters = Map.copyOf(counters);
  }

  public static KernelSockstat empty() {
    return new KernelSockstat(Map.of());
  }
}
