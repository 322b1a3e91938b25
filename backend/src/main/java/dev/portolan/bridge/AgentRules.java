package dev.portolan.bridge;

import dev.portolan.bus.Addresses;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * What one agent may do over its connection to a hub's bridge, frame by frame. Its name is its
 * certificate's (with TLS), else the node of its first registration (a plaintext bridge on
 * loopback, where every process is trusted as far as the host is). It may
 *
 * <ul>
 *   <li>register only its own services, {@code portolan.node.<its name>.<service>};
 *   <li>publish only its changes, heartbeats, audit records and scan events, each saying {@code
 *       node}: its name;
 *   <li>send only answers to requests it was given (reply addresses: no request of its own);
 * </ul>
 *
 * and no more than {@link Limits#messagesPerSecond} messages a second (with a burst). Everything
 * else is refused, with a {@link Refusal} the hub counts. One instance per connection, used from
 * the connection's event loop. Plain Java.
 */
public final class AgentRules {
  /** Why a frame was refused: the label of the hub's refusal counter. */
  public enum Refusal {
    NO_IDENTITY("no-identity"),
    NOT_ITS_ADDRESS("not-its-address"),
    NOT_ITS_NODE("not-its-node"),
    NOT_A_PUBLICATION("not-a-publication"),
    NOT_A_REPLY("not-a-reply"),
    TOO_MANY_REGISTRATIONS("too-many-registrations"),
    RATE("rate"),
    FRAME_TOO_LARGE("frame-too-large"),
    TOO_MANY_UNANSWERED("too-many-unanswered"),
    TOO_MANY_CONNECTIONS("too-many-connections"),
    BAD_BODY("bad-body");

    private final String label;

    Refusal(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  /**
   * The bounds of one agent's connection: messages a second and the burst above it, registrations,
   * the largest frame, requests unanswered at once. The largest frame an agent sends is its
   * snapshot: 50,000 sockets whose rows are as long as they get (IPv6, owners with ~1 KB command
   * lines, units, container ids) measured 73 MiB (SnapshotFrameSizeTest), so the limit is 256 MiB:
   * such a snapshot passes with room, a frame announcing gigabytes does not.
   */
  public record Limits(
      int messagesPerSecond,
      int burst,
      int maxRegistrations,
      int maxFrameBytes,
      int maxUnanswered) {
    public static final Limits DEFAULT = new Limits(200, 2_000, 32, 256 << 20, 256);
  }

  private static final Set<String> PUBLICATIONS =
      Set.of(Addresses.CHANGES, Addresses.HEARTBEATS, Addresses.AGENT_AUDIT);
  private static final String NODE_PREFIX = "portolan.node.";

  private final Limits limits;
  private final LongSupplier nanoClock;
  private final boolean certified;
  private String name;
  private final Set<String> registered = new java.util.HashSet<>();
  private double tokens;
  private long refilledAtNanos;

  /**
   * @param certifiedName the name in the agent's certificate, or null on a plaintext bridge (the
   *     first registration names it)
   */
  public AgentRules(String certifiedName, Limits limits, LongSupplier nanoClock) {
    this.name = certifiedName;
    this.certified = certifiedName != null;
    this.limits = limits;
    this.nanoClock = nanoClock;
    this.tokens = limits.burst();
    this.refilledAtNanos = nanoClock.getAsLong();
  }

  /** The agent's node name: its certificate's, or its first registration's (null before it). */
  public String name() {
    return name;
  }

  /** Whether the name comes from a certificate. */
  public boolean certified() {
    return certified;
  }

  /** A registration of {@code address}: null when allowed, else why not. */
  public Refusal register(String address) {
    Refusal rate = take();
    if (rate != null) {
      return rate;
    }
    String node = nodeOf(address);
    if (node == null) {
      return Refusal.NOT_ITS_ADDRESS;
    }
    if (name == null) {
      name = node;
    }
    if (!name.equals(node)) {
      return Refusal.NOT_ITS_ADDRESS;
    }
    if (!registered.contains(address) && registered.size() >= limits.maxRegistrations()) {
      return Refusal.TOO_MANY_REGISTRATIONS;
    }
    registered.add(address); // registering an address again is no new registration
    return null;
  }

  /** An unregistration of {@code address}: the same rule as registering it. */
  public Refusal unregister(String address) {
    Refusal rate = take();
    if (rate != null) {
      return rate;
    }
    String node = nodeOf(address);
    if (node == null || name == null || !name.equals(node)) {
      return Refusal.NOT_ITS_ADDRESS;
    }
    registered.remove(address);
    return null;
  }

  /**
   * A publication of {@code body} to {@code address}: one of the agent's kinds, saying its node.
   * {@code bodyNode} is the body's {@code node} (null when it has none or is no JSON object).
   */
  public Refusal publish(String address, String bodyNode) {
    Refusal rate = take();
    if (rate != null) {
      return rate;
    }
    if (address == null
        || !(PUBLICATIONS.contains(address) || address.startsWith(Addresses.SCAN_EVENTS_PREFIX))) {
      return Refusal.NOT_A_PUBLICATION;
    }
    if (name == null) {
      return Refusal.NO_IDENTITY;
    }
    if (!name.equals(bodyNode)) {
      return Refusal.NOT_ITS_NODE;
    }
    return null;
  }

  /**
   * A send to {@code address}: only an answer (no reply address of its own) to an address that is
   * none of Portolan's (the bridge then checks that it is a request this connection was given).
   */
  public Refusal send(String address, boolean wantsReply) {
    Refusal rate = take();
    if (rate != null) {
      return rate;
    }
    if (wantsReply || address == null || address.startsWith("portolan.")) {
      return Refusal.NOT_A_REPLY;
    }
    return null;
  }

  /** A ping: counted against the rate like any frame. */
  public Refusal ping() {
    return take();
  }

  /** The node of {@code portolan.node.<node>.<service>} for a known service, else null. */
  static String nodeOf(String address) {
    if (address == null || !address.startsWith(NODE_PREFIX)) {
      return null;
    }
    String rest = address.substring(NODE_PREFIX.length());
    for (String service : SERVICES_BY_LENGTH) {
      if (rest.endsWith("." + service)) {
        String node = rest.substring(0, rest.length() - service.length() - 1);
        return node.isEmpty() ? null : node;
      }
    }
    return null;
  }

  /** Longest first, so that a service whose name ends another's is matched whole. */
  private static final java.util.List<String> SERVICES_BY_LENGTH =
      Addresses.NODE_SERVICES.stream()
          .sorted(java.util.Comparator.comparingInt(String::length).reversed())
          .toList();

  private Refusal take() {
    long now = nanoClock.getAsLong();
    double elapsed = (now - refilledAtNanos) / 1e9;
    refilledAtNanos = now;
    tokens = Math.min(limits.burst(), tokens + elapsed * limits.messagesPerSecond());
    if (tokens < 1) {
      return Refusal.RATE;
    }
    tokens -= 1;
    return null;
  }

  /** The publication addresses an agent may use, for the bridge's own permitted list. */
  public static Map<String, Boolean> publicationAddresses() {
    Map<String, Boolean> out = new java.util.LinkedHashMap<>();
    PUBLICATIONS.forEach(a -> out.put(a, false));
    out.put(Addresses.SCAN_EVENTS_PREFIX, true);
    return out;
  }
}
