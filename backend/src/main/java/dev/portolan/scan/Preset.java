package dev.portolan.scan;

import java.time.Duration;
import java.util.Locale;

/**
 * Timing templates, in the spirit of nmap's -T2/-T3/-T4: where the adaptive timing starts and the
 * bounds it stays within. The engine adapts the probe timeout to measured round-trip times (srtt +
 * 4 * rttvar, clamped to [minTimeout, maxTimeout]) and the number of probes in flight to drops
 * (halve on a timeout, grow on answers), never beyond {@code maxParallelism} nor the node's
 * file-descriptor budget.
 */
public enum Preset {
  POLITE(Duration.ofMillis(1000), Duration.ofMillis(100), Duration.ofMillis(3000), 8, 64, 2, 200),
  NORMAL(
      Duration.ofMillis(1000), Duration.ofMillis(100), Duration.ofMillis(2000), 64, 1024, 2, 5_000),
  AGGRESSIVE(
      Duration.ofMillis(500), Duration.ofMillis(50), Duration.ofMillis(1250), 256, 4096, 1, 0);

  private final Duration initialTimeout;
  private final Duration minTimeout;
  private final Duration maxTimeout;
  private final int initialParallelism;
  private final int maxParallelism;
  private final int maxRetries;
  private final int maxRate;

  Preset(
      Duration initialTimeout,
      Duration minTimeout,
      Duration maxTimeout,
      int initialParallelism,
      int maxParallelism,
      int maxRetries,
      int maxRate) {
    this.initialTimeout = initialTimeout;
    this.minTimeout = minTimeout;
    this.maxTimeout = maxTimeout;
    this.initialParallelism = initialParallelism;
    this.maxParallelism = maxParallelism;
    this.maxRetries = maxRetries;
    this.maxRate = maxRate;
  }

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses {@code polite}, {@code normal} or {@code aggressive}; null for anything else. */
  public static Preset fromWire(String name) {
    for (Preset p : values()) {
      if (p.wireName().equals(name)) {
        return p;
      }
    }
    return null;
  }

  public Duration initialTimeout() {
    return initialTimeout;
  }

  public Duration minTimeout() {
    return minTimeout;
  }

  public Duration maxTimeout() {
    return maxTimeout;
  }

  public int initialParallelism() {
    return initialParallelism;
  }

  public int maxParallelism() {
    return maxParallelism;
  }

  /**
   * Retransmissions of a probe that got no answer, before it counts as filtered (TCP) or
   * open|filtered (UDP).
   */
  public int maxRetries() {
    return maxRetries;
  }

  /**
   * Probes per second at most toward other hosts; 0 for no limit of the preset's own (the policy's
   * cap still applies).
   */
  public int maxRate() {
    return maxRate;
  }

  /**
   * Probes per second at most for a scan whose addresses are all this node's own ({@code allLocal}:
   * loopback and the node's addresses), else {@link #maxRate()}. Probing the node itself loads no
   * network and no other host, so {@code normal} then drops its fixed cap and is paced by the
   * adaptive timing alone, as nmap's templates are ({@code polite} keeps its cap everywhere).
   */
  public int maxRateFor(boolean allLocal) {
    return allLocal && this != POLITE ? 0 : maxRate;
  }

  /**
   * Most threads (lanes, each with its own selector) a scan may probe from; more than one only for
   * large scans of this host's own addresses, where probing costs CPU rather than waiting.
   * AGGRESSIVE only.
   */
  public int lanes() {
    return this == AGGRESSIVE ? 2 : 1;
  }

  /**
   * How long a banner grab on an open TCP port may take (connect, greeting, one request, TLS
   * handshake).
   */
  public Duration bannerTimeout() {
    return switch (this) {
      case POLITE -> Duration.ofSeconds(5);
      case NORMAL -> Duration.ofSeconds(3);
      case AGGRESSIVE -> Duration.ofSeconds(2);
    };
  }
}
