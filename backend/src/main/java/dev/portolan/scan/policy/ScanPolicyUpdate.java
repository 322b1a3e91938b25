package dev.portolan.scan.policy;

import dev.portolan.http.InvalidQueryException;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An admin's change to a running node's scan policy: the fields of {@code PUT /api/v1/scan-policy}
 * ({@code allow}, a list or comma-separated string of addresses and CIDR blocks; {@code maxPorts},
 * {@code maxHosts}, {@code maxRate}, {@code maxOpenSockets}), each optional, applied to the current
 * settings. {@code maxConcurrent} sizes the node's scan registry at start and is not changed at run
 * time. Plain Java.
 */
public final class ScanPolicyUpdate {
  /** The fields a change may carry. */
  public static final Set<String> FIELDS =
      Set.of("allow", "maxPorts", "maxHosts", "maxRate", "maxOpenSockets");

  private ScanPolicyUpdate() {}

  /**
   * {@code current} with {@code change} applied.
   *
   * @throws InvalidQueryException (a 400) for an unknown field, an empty change or a bad value
   */
  public static ScanPolicySettings apply(ScanPolicySettings current, Map<String, ?> change) {
    if (change.containsKey("maxConcurrent")) {
      throw new InvalidQueryException(
          "not changeable",
          "maxConcurrent sizes the node's scan registry when it starts"
              + " (PORTOLAN_SCAN_MAX_CONCURRENT); it cannot be changed while the node runs");
    }
    for (String field : change.keySet()) {
      if (!FIELDS.contains(field)) {
        throw new InvalidQueryException(
            "unknown field",
            "'"
                + field
                + "' is not a scan policy field; give any of "
                + String.join(", ", FIELDS.stream().sorted().toList()));
      }
    }
    if (change.isEmpty()) {
      throw new InvalidQueryException(
          "empty change",
          "give at least one of " + String.join(", ", FIELDS.stream().sorted().toList()));
    }
    try {
      ScanPolicySettings s = current;
      if (change.containsKey("allow")) {
        Object allow = change.get("allow");
        if (allow != null && !(allow instanceof List<?>) && !(allow instanceof String)) {
          throw new IllegalArgumentException(
              "invalid allow: give a list of addresses and CIDR blocks, or a"
                  + " comma-separated string");
        }
        s = s.withAllow(ScanPolicySettings.parseAllow(allow));
      }
      s = s.withMaxPorts(cap(change, "maxPorts", ScanPolicySettings.MAX_PORTS, s.maxPorts()));
      s = s.withMaxHosts(cap(change, "maxHosts", ScanPolicySettings.MAX_HOSTS, s.maxHosts()));
      s = s.withMaxRate(cap(change, "maxRate", ScanPolicySettings.MAX_RATE, s.maxRate()));
      return s.withMaxOpenSockets(
          cap(change, "maxOpenSockets", ScanPolicySettings.MAX_OPEN_SOCKETS, s.maxOpenSockets()));
    } catch (IllegalArgumentException e) {
      throw new InvalidQueryException("invalid scan policy", e.getMessage());
    }
  }

  private static int cap(Map<String, ?> change, String field, String key, int current) {
    if (!change.containsKey(field)) {
      return current;
    }
    Object value = change.get(field);
    if (!(value instanceof Number)) {
      throw new IllegalArgumentException(
          "invalid " + field + " '" + value + "': give a whole number");
    }
    return ScanPolicySettings.parseCap(key, value, current);
  }
}
