package dev.portolan.scan.policy;

import dev.portolan.http.InvalidQueryException;
import dev.portolan.http.QueryValues;
import dev.portolan.scan.IpLiterals;
import dev.portolan.scan.PortList;
import dev.portolan.scan.Preset;
import dev.portolan.scan.ScanPlan;
import dev.portolan.scan.ScanRefusedException;
import dev.portolan.socket.Protocol;
import java.math.BigInteger;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * Which targets may be scanned and how much: the one gate from a user's request to a {@link
 * ScanPlan}, and from a connectivity check request to the address it may connect to.
 *
 * <p><b>Names are resolved once, here.</b> A host name goes through the {@link Resolver} exactly
 * once per request; the addresses that come back are the ones checked and the ones put into the
 * plan (as {@link InetAddress} objects, never names), so a DNS answer that changes between check
 * and scan (DNS rebinding) changes nothing. Like nmap, a name that resolves to several addresses
 * scans the <b>first</b> one only (with the system resolver, IPv4 first unless {@code
 * java.net.preferIPv6Addresses} says otherwise); the others are neither checked nor scanned.
 *
 * <p><b>Allowed targets</b>: always loopback ({@code 127.0.0.0/8}, {@code ::1}) and the node's own
 * addresses (read from the network interfaces at every check, since addresses come and go), plus
 * the blocks of the {@code scanAllow} setting (empty by default, so out of the box a node scans
 * only itself). Every address of a scan must be allowed, else the whole request is refused ({@link
 * ScanRefusedException} "target not allowed", naming the address and the {@code scanAllow}
 * setting).
 *
 * <ul>
 *   <li>IPv4-mapped IPv6 addresses ({@code ::ffff:10.0.0.1}), which the kernel connects to over
 *       IPv4, are checked and scanned as the IPv4 address, whether typed or returned by the
 *       resolver.
 *   <li>The unspecified addresses {@code 0.0.0.0} and {@code ::} are always refused, even when
 *       {@code scanAllow} covers them: Linux connects them to the local host, so a name resolving
 *       to 0.0.0.0 (as blocklisting DNS servers answer) would scan this node under another name.
 *       Users who mean this node write 127.0.0.1.
 *   <li>IPv6 link-local addresses ({@code fe80::/10}) are refused: they need an interface (zone) to
 *       be reached, which targets do not carry.
 * </ul>
 *
 * Other special ranges (IPv4-compatible {@code ::a.b.c.d}, NAT64 {@code 64:ff9b::/96}, 6to4 {@code
 * 2002::/16}) are checked as the IPv6 addresses they are: allowed only when {@code scanAllow}
 * covers them.
 *
 * <p><b>Caps</b> (see {@link ScanPolicySettings}): ports per scan, addresses per scan (checked
 * before a block is expanded or a name resolved), probes per second and open sockets (both handed
 * to the engine in the plan), concurrent scans (only carried here: the scan registry enforces it).
 * Over a cap: {@link ScanRefusedException} with the numbers.
 *
 * <p>Instances are immutable and thread-safe. {@link #authorize} and {@link #authorizeCheck} block
 * while a name resolves: call them off the event loop.
 */
public final class ScanPolicy {
  /**
   * Turns a host name into addresses; the default is the system resolver ({@code /etc/hosts}, then
   * DNS).
   */
  @FunctionalInterface
  public interface Resolver {
    /** Never null; an empty list or {@link UnknownHostException} when the name does not resolve. */
    List<InetAddress> resolve(String host) throws UnknownHostException;

    Resolver SYSTEM = host -> List.of(InetAddress.getAllByName(host));
  }

  private final ScanPolicySettings settings;
  private final Resolver resolver;
  private final Supplier<? extends Collection<InetAddress>> ownAddresses;

  private ScanPolicy(
      ScanPolicySettings settings,
      Resolver resolver,
      Supplier<? extends Collection<InetAddress>> ownAddresses) {
    this.settings = Objects.requireNonNull(settings);
    this.resolver = Objects.requireNonNull(resolver);
    this.ownAddresses = Objects.requireNonNull(ownAddresses);
  }

  /** Default settings, the system resolver, the node's interfaces. */
  public static ScanPolicy defaults() {
    return create(ScanPolicySettings.defaults(), Resolver.SYSTEM);
  }

  public static ScanPolicy create(ScanPolicySettings settings, Resolver resolver) {
    return new ScanPolicy(settings, resolver, ScanPolicy::interfaceAddresses);
  }

  /**
   * With the node's own addresses from {@code ownAddresses} instead of the network interfaces (for
   * tests).
   */
  public static ScanPolicy create(
      ScanPolicySettings settings,
      Resolver resolver,
      Supplier<? extends Collection<InetAddress>> ownAddresses) {
    return new ScanPolicy(settings, resolver, ownAddresses);
  }

  public ScanPolicySettings settings() {
    return settings;
  }

  /**
   * This policy with other settings (same resolver and own addresses): a running node's policy
   * changed.
   */
  public ScanPolicy withSettings(ScanPolicySettings changed) {
    return new ScanPolicy(changed, resolver, ownAddresses);
  }

  /**
   * This policy with {@code names} as its resolver: a host name resolved beforehand (without
   * blocking) is checked and scanned as those addresses.
   */
  public ScanPolicy withResolver(Resolver names) {
    return new ScanPolicy(settings, names, ownAddresses);
  }

  /** How many scans may run at once; the scan registry enforces it. */
  public int maxConcurrent() {
    return settings.maxConcurrent();
  }

  /**
   * The plan for scanning {@code target}, or {@link ScanRefusedException} (403) when the policy
   * refuses it, or {@link InvalidQueryException} (400) for a protocol other than tcp/udp or a host
   * that does not resolve. {@code preset} null means {@link Preset#NORMAL}; banners are grabbed on
   * TCP only (false for UDP). The plan's {@code maxRate} is the lower of the preset's rate (when it
   * has one) and {@code scanMaxRate}.
   */
  public ScanPlan authorize(
      ScanTarget target, PortList ports, Protocol proto, Preset preset, boolean banners) {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(ports, "ports");
    if (proto != Protocol.TCP && proto != Protocol.UDP) {
      throw new InvalidQueryException(
          "invalid proto",
          "a scan is tcp or udp, not " + (proto == null ? "nothing" : proto.wireName()));
    }
    Preset p = preset == null ? Preset.NORMAL : preset;
    if (ports.size() > settings.maxPorts()) {
      throw new ScanRefusedException(
          "too many ports",
          "the scan asks for "
              + ports.size()
              + " ports; this node"
              + " scans at most "
              + settings.maxPorts()
              + " per scan (the "
              + ScanPolicySettings.MAX_PORTS
              + " setting)");
    }
    if (target.addressCount() > settings.maxHosts()) {
      BigInteger count = target.cidr().size();
      throw new ScanRefusedException(
          "too many hosts",
          target.text()
              + " holds "
              + count
              + " addresses; this node"
              + " scans at most "
              + settings.maxHosts()
              + " per scan (the "
              + ScanPolicySettings.MAX_HOSTS
              + " setting): give a smaller block");
    }
    List<InetAddress> addresses = addressesOf(target);
    checkAllowed(target, addresses);
    int rate = p.maxRate() > 0 ? Math.min(p.maxRate(), settings.maxRate()) : settings.maxRate();
    return new ScanPlan(
        addresses,
        ports,
        proto,
        p,
        banners && proto == Protocol.TCP,
        rate,
        settings.maxOpenSockets());
  }

  /**
   * The plan for scanning this node's own addresses, all of them but loopback and link-local (the
   * exposure view's outside view). {@link InvalidQueryException} when the node has none.
   */
  public ScanPlan authorizeOwnAddresses(
      PortList ports, Protocol proto, Preset preset, boolean banners) {
    List<InetAddress> own = new java.util.ArrayList<>();
    for (InetAddress a : ownAddresses.get()) {
      if (!a.isLoopbackAddress() && !a.isLinkLocalAddress() && !a.isAnyLocalAddress()) {
        own.add(IpLiterals.normalize(a));
      }
    }
    if (own.isEmpty()) {
      throw new InvalidQueryException(
          "no outside address",
          "this node has no address but loopback (and link-local):"
              + " nothing outside it can reach its listeners");
    }
    ScanPlan first =
        authorize(ScanTarget.parse(own.getFirst().getHostAddress()), ports, proto, preset, banners);
    if (own.size() > settings.maxHosts()) {
      throw new ScanRefusedException(
          "too many hosts",
          "this node has "
              + own.size()
              + " addresses; this node scans"
              + " at most "
              + settings.maxHosts()
              + " per scan (the "
              + ScanPolicySettings.MAX_HOSTS
              + " setting)");
    }
    return new ScanPlan(
        own,
        first.ports(),
        first.proto(),
        first.preset(),
        first.banners(),
        first.maxRate(),
        first.maxOpenSockets());
  }

  /**
   * The plan for scanning several addresses in one scan (another node's addresses, for the exposure
   * view from outside): every one must be an address (not a name or a block) and allowed, as {@link
   * #authorize} checks it; duplicates count once. {@link InvalidQueryException} for a name or block
   * in the list, {@link ScanRefusedException} for the first address refused or more addresses than
   * {@code scanMaxHosts}.
   */
  public ScanPlan authorizeAddresses(
      List<ScanTarget> targets, PortList ports, Protocol proto, Preset preset, boolean banners) {
    if (targets.isEmpty()) {
      throw new InvalidQueryException(
          "invalid target", "no target given: give one or more addresses");
    }
    for (ScanTarget t : targets) {
      if (t.kind() != ScanTarget.Kind.ADDRESS) {
        throw new InvalidQueryException(
            "invalid target",
            QueryValues.echo(t.text())
                + ": a list of targets holds"
                + " IP addresses only (one host name or CIDR block is a target of its own)");
      }
    }
    List<InetAddress> addresses = new ArrayList<>();
    Set<ByteKey> seen = new HashSet<>();
    for (ScanTarget t : targets) {
      if (seen.add(new ByteKey(t.address().getAddress()))) {
        addresses.add(t.address());
      }
    }
    if (addresses.size() > settings.maxHosts()) {
      throw new ScanRefusedException(
          "too many hosts",
          "the list holds "
              + addresses.size()
              + " addresses; this"
              + " node scans at most "
              + settings.maxHosts()
              + " per scan (the "
              + ScanPolicySettings.MAX_HOSTS
              + " setting)");
    }
    ScanPlan first = null;
    for (ScanTarget t : targets) {
      ScanPlan plan = authorize(t, ports, proto, preset, banners);
      first = first == null ? plan : first;
    }
    return new ScanPlan(
        addresses,
        first.ports(),
        first.proto(),
        first.preset(),
        first.banners(),
        first.maxRate(),
        first.maxOpenSockets());
  }

  /**
   * The address and port a connectivity check of {@code target} may connect to, under the same
   * rules as a scan (a host name resolves once; its first address is checked and returned, never
   * the name).
   *
   * @throws InvalidQueryException for a port outside 1-65535, a CIDR block, or an unknown host
   * @throws ScanRefusedException when the address is not allowed
   */
  public InetSocketAddress authorizeCheck(ScanTarget target, int port) {
    Objects.requireNonNull(target, "target");
    if (port < 1 || port > 65535) {
      throw new InvalidQueryException(
          "invalid port", "a check connects to a port from 1 to 65535, not " + port);
    }
    if (target.kind() == ScanTarget.Kind.CIDR) {
      throw new InvalidQueryException(
          "invalid target",
          QueryValues.echo(target.text())
              + ": a connectivity check"
              + " takes one host name or address, not a block");
    }
    List<InetAddress> addresses = addressesOf(target);
    checkAllowed(target, addresses);
    return new InetSocketAddress(addresses.getFirst(), port);
  }

  /** Whether a scan or check may reach {@code address} (after mapping ::ffff:a.b.c.d to IPv4). */
  public boolean allows(InetAddress address) {
    return refusal(IpLiterals.normalize(address), ownAddressBytes()) == null;
  }

  private List<InetAddress> addressesOf(ScanTarget target) {
    if (target.kind() != ScanTarget.Kind.HOST) {
      return target.addresses(settings.maxHosts());
    }
    List<InetAddress> resolved;
    String why = "no address";
    try {
      resolved = resolver.resolve(target.host());
    } catch (UnknownHostException e) {
      resolved = null;
      String m = e.getMessage();
      if (m != null && m.startsWith(target.host() + ": ")) {
        m = m.substring(target.host().length() + 2);
      }
      why = m == null || m.isBlank() || m.equals(target.host()) ? why : m;
    }
    if (resolved == null || resolved.isEmpty() || resolved.getFirst() == null) {
      throw new InvalidQueryException(
          "does not resolve",
          QueryValues.echo(target.host())
              + " does not resolve ("
              + QueryValues.echo(why)
              + "): check the name, or give an address");
    }
    return List.of(IpLiterals.normalize(resolved.getFirst()));
  }

  private void checkAllowed(ScanTarget target, List<InetAddress> addresses) {
    Set<ByteKey> own = ownAddressBytes();
    InetAddress firstRefused = null;
    String firstReason = null;
    int refused = 0;
    for (InetAddress a : addresses) {
      String reason = refusal(a, own);
      if (reason != null) {
        if (firstRefused == null) {
          firstRefused = a;
          firstReason = reason;
        }
        refused++;
      }
    }
    if (firstRefused == null) {
      return;
    }
    String address = IpLiterals.text(firstRefused);
    String subject =
        switch (target.kind()) {
          case HOST -> QueryValues.echo(target.host()) + " resolves to " + address + ", which";
          case ADDRESS -> address;
          case CIDR ->
              address
                  + (refused > 1
                      ? " (and "
                          + (refused - 1)
                          + " more of the "
                          + addresses.size()
                          + " addresses of "
                          + target.text()
                          + ")"
                      : " (in " + target.text() + ")");
        };
    if (firstReason == NOT_ALLOWED) {
      String example = target.kind() == ScanTarget.Kind.CIDR ? target.text() : address;
      firstReason =
          "is not allowed: this node scans loopback, its own addresses"
              + (settings.allow().isEmpty()
                  ? " and nothing else (the " + ScanPolicySettings.ALLOW + " setting is empty)"
                  : " and the "
                      + ScanPolicySettings.ALLOW
                      + " blocks ("
                      + String.join(", ", settings.allow().stream().map(Cidr::toString).toList())
                      + ")")
              + "; to allow it, add it or its network to the "
              + ScanPolicySettings.ALLOW
              + " setting, e.g. "
              + ScanPolicySettings.ALLOW
              + "="
              + example;
    }
    throw new ScanRefusedException("target not allowed", subject + " " + firstReason);
  }

  private static final String NOT_ALLOWED = "is not allowed";

  /**
   * Null when allowed, {@link #NOT_ALLOWED} when outside the allowed blocks, else why it never is.
   */
  private String refusal(InetAddress a, Set<ByteKey> own) {
    if (a.isAnyLocalAddress()) {
      return "is the unspecified address, which Linux connects to this node itself; it is never scanned under"
          + " that name: to scan this node give 127.0.0.1, ::1 or one of its addresses";
    }
    if (a instanceof Inet6Address && a.isLinkLocalAddress()) {
      return "is an IPv6 link-local address, which needs an interface (zone) to reach and is not scanned; give"
          + " the node's global or unique-local address";
    }
    if (Cidr.LOOPBACK_V4.contains(a)
        || Cidr.LOOPBACK_V6.contains(a)
        || own.contains(new ByteKey(a.getAddress()))) {
      return null;
    }
    for (Cidr c : settings.allow()) {
      if (c.contains(a)) {
        return null;
      }
    }
    return NOT_ALLOWED;
  }

  private Set<ByteKey> ownAddressBytes() {
    Set<ByteKey> out = new HashSet<>();
    Collection<InetAddress> addresses = ownAddresses.get();
    if (addresses != null) {
      for (InetAddress a : addresses) {
        out.add(new ByteKey(IpLiterals.normalize(a).getAddress()));
      }
    }
    return out;
  }

  /**
   * Every address of every network interface, now (interfaces come and go, so this is read at each
   * check).
   */
  static Collection<InetAddress> interfaceAddresses() {
    Set<InetAddress> out =
        new TreeSet<>((x, y) -> java.util.Arrays.compare(x.getAddress(), y.getAddress()));
    try {
      NetworkInterface.networkInterfaces().forEach(nic -> nic.inetAddresses().forEach(out::add));
    } catch (SocketException e) {
      // no interfaces readable: only loopback and scanAllow stay allowed
    }
    return out;
  }

  private record ByteKey(byte[] bytes) {
    @Override
    public boolean equals(Object o) {
      return o instanceof ByteKey k && java.util.Arrays.equals(bytes, k.bytes);
    }

    @Override
    public int hashCode() {
      return java.util.Arrays.hashCode(bytes);
    }
  }
}
