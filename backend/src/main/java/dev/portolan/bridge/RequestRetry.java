package dev.portolan.bridge;

import dev.portolan.bus.Addresses;
import java.util.Set;

/**
 * Whether a hub's request to a node ({@code portolan.node.<name>.<service>}) that failed is asked
 * once more, and how its time is split. Plain Java.
 *
 * <p>Why: when a hub hangs (SIGSTOP), the cluster keeps its agents' registrations for the ~5 s
 * Hazelcast takes to evict it, and point-to-point sends rotate over them; when an agent moves to
 * another hub, there is a moment where it is registered nowhere. So:
 *
 * <ul>
 *   <li>{@link Failure#NO_HANDLERS}: nobody had the address; the request reached no agent. Any
 *       request is asked again after {@link #PAUSE_MILLIS} (registrations take a moment to arrive).
 *   <li>{@link Failure#TIMEOUT}: the request may have reached the agent; only reads (safe to
 *       repeat) are asked again, at once. Scan starts, cancels and policy changes are not.
 *   <li>{@link Failure#CONNECTION_CLOSED}: a bridge failed the request because the agent's
 *       connection closed while it was out. The frame was written to the agent, which may have run
 *       it, so this counts as a timeout: reads are asked again, after the pause.
 *   <li>anything else (an answer, a refusal, a busy agent): never.
 * </ul>
 *
 * <p>A read's first attempt gets the total timeout less {@link #RETRY_KEEPS_MILLIS} (at least
 * {@link #MIN_FIRST_ATTEMPT_MILLIS}), so that a request that went to a stale registration is asked
 * again while there is time: with the usual 10 s, 4 s then 6 s.
 */
public final class RequestRetry {
  /** What went wrong with an attempt. */
  public enum Failure {
    NO_HANDLERS,
    TIMEOUT,
    CONNECTION_CLOSED,
    OTHER
  }

  /** The wait before asking again when the address had no handler or the connection closed. */
  public static final long PAUSE_MILLIS = 400;

  /** Of a read's total timeout, what is kept for the retry. */
  public static final long RETRY_KEEPS_MILLIS = 6_000;

  /** A read's first attempt waits at least this long (or the whole timeout when shorter). */
  public static final long MIN_FIRST_ATTEMPT_MILLIS = 4_000;

  /**
   * The message a bridge fails a relayed request with when the agent's connection closes (code
   * 503): "unavailable: ...".
   */
  public static final String CONNECTION_CLOSED_PREFIX = "unavailable:";

  /** Services that only read: asking twice does no harm. */
  private static final Set<String> READS =
      Set.of(
          Addresses.SNAPSHOT,
          Addresses.SOCKETS_QUERY,
          Addresses.SUMMARY,
          Addresses.NODE_INFO,
          Addresses.OWNER_LOOKUP,
          Addresses.PORT_CHECK,
          Addresses.SCAN_STATUS,
          Addresses.SCAN_LIST,
          Addresses.SCAN_POLICY,
          Addresses.CONNECTIVITY,
          Addresses.NAMESPACES);

  private RequestRetry() {}

  /** The failure a bridge's answer of {@code code} with {@code message} stands for. */
  public static Failure ofReply(int code, String message) {
    return code == 503 && message != null && message.startsWith(CONNECTION_CLOSED_PREFIX)
        ? Failure.CONNECTION_CLOSED
        : Failure.OTHER;
  }

  /** The node service {@code address} names ({@code portolan.node.<name>.<service>}), or null. */
  static String service(String address) {
    if (address == null || !address.startsWith("portolan.node.")) {
      return null;
    }
    String found = null;
    for (String s : Addresses.NODE_SERVICES) {
      if (address.endsWith("." + s)
          && address.length() > "portolan.node.".length() + s.length() + 1
          && (found == null || s.length() > found.length())) {
        found = s;
      }
    }
    return found;
  }

  /**
   * Whether asking {@code address} with a body that {@code changes} something (a scan policy with a
   * change) only reads.
   */
  static boolean isRead(String address, boolean changes) {
    String service = service(address);
    return service != null && READS.contains(service) && !changes;
  }

  /**
   * The wait before the one retry of a request to {@code address} that failed with {@code failure}
   * (0: at once), or -1 when it is not asked again. {@code changes}: the body asks for a change (a
   * scan policy's "change").
   */
  public static long retryAfterMillis(String address, boolean changes, Failure failure) {
    if (service(address) == null) {
      return -1; // hub-local services and anything else: not a node's request
    }
    boolean read = isRead(address, changes);
    return switch (failure) {
      case NO_HANDLERS -> PAUSE_MILLIS;
      case TIMEOUT -> read ? 0 : -1;
      case CONNECTION_CLOSED -> read ? PAUSE_MILLIS : -1;
      case OTHER -> -1;
    };
  }

  /**
   * The first attempt's timeout, out of {@code totalMillis} for the whole request (both attempts):
   * shortened for a read, whole for anything else (which is not asked again after a timeout).
   */
  public static long firstAttemptMillis(String address, boolean changes, long totalMillis) {
    if (!isRead(address, changes)) {
      return totalMillis;
    }
    return Math.max(
        Math.min(totalMillis, MIN_FIRST_ATTEMPT_MILLIS), totalMillis - RETRY_KEEPS_MILLIS);
  }
}
