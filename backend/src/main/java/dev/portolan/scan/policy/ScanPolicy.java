package dev.portolan.scan.policy;

import dev.portolan.http.InvalidQueryException;
import dev.portolan.http.QueryValues;
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
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import dev.portolan.scan.ScanPlan;
import dev.portolan.scan.ScanRefusedException;
import dev.portolan.scan.Preset;
import dev.portolan.scan.PortList;
import dev.portolan.scan.IpLiterals;

/**
 * Which targets may be scanned and how much: the one gate from a user's request to a {@link ScanPlan}, and from a
 * connectivity check request to the address it may connect to.
 *
 * <p><b>Names are resolved once, here.</b> A host name goes through the {@link Resolver} exactly once per request;
 * the addresses that come back are the ones checked and the ones put into the plan (as {@link InetAddress} objects,
 * never names), so a DNS answer that changes between check and scan (DNS rebinding) changes nothing. Like nmap, a
 * name that resolves to several addresses scans the <b>first</b> one only (with the system resolver, IPv4 first
 * unless {@code java.net.preferIPv6Addresses} says otherwise); the others are neither checked nor scanned.
 *
 * <p><b>Allowed targets</b>: always loopback ({@code 127.0.0.0/8}, {@code ::1}) and the node's own addresses (read
 * from the network interfaces at every check, since addresses come and go), plus the blocks of the
 * {@code scanAllow} setting (empty by default, so out of the box a node scans only itself). Every address of a
 * scan must be allowed, else the whole request is refused ({@link ScanRefusedException} "target not allowed",
 * naming the address and the {@code scanAllow} setting).
 * <ul>
 *   <li>IPv4-mapped IPv6 addresses ({@code ::ffff:10.0.0.1}), which the kernel connects to over IPv4, are checked
 *   and scanned as the IPv4 address, whether typed or returned by the resolver.</li>
 *   <li>The unspecified addresses {@code 0.0.0.0} and {@code ::} are always refused, even when {@code scanAllow}
 *   covers them: Linux connects them to the local host, so a name resolving to 0.0.0.0 (as blocklisting DNS
 *   servers answer) would scan this node under another name. Users who mean this node write 127.0.0.1.</li>
 *   <li>IPv6 link-local addresses ({@code fe80::/10}) are refused: they need an interface (zone) to be reached,
 *   which targets do not carry.</li>
 * </ul>
 * Other special ranges (IPv4-compatible {@code ::a.b.c.d}, NAT64 {@code 64:ff9b::/96}, 6to4 {@code 2002::/16}) are
 * checked as the IPv6 addresses they are: allowed only when {@code scanAllow} covers them.
 *
 * <p><b>Caps</b> (see {@link Settings}): ports per scan, addresses per scan (checked before a block is expanded or
 * a name resolved), probes per second and open sockets (both handed to the engine in the plan), concurrent scans
 * (only carried here: the scan registry enforces it). Over a cap: {@link ScanRefusedException} with the numbers.
 *
 * <p>Instances are immutable and thread-safe. {@link #authorize} and {@link #authorizeCheck} block while a name
 * resolves: call them off the event loop.
 */
public final class ScanPolicy {
  /** Turns a host name into addresses; the default is the system resolver ({@code /etc/hosts}, then DNS). */
  @FunctionalInterface
  public interface Resolver {
    /** Never null; an empty list or {@link UnknownHostException} when the name does not resolve. */
    List<InetAddress> resolve(String host) throws UnknownHostException;

    Resolver SYSTEM = host -> List.of(InetAddress.getAllByName(host));
  }

  /**
   * The policy's configuration. {@code allow}: blocks allowed besides loopback and the node's own addresses.
   * {@code maxPorts}: ports per scan. {@code maxHosts}: addresses per scan. {@code maxRate}: probes per second.
   * {@code maxOpenSockets}: sockets a scan holds open at once. {@code maxConcurrent}: scans running at once (the
   * scan registry enforces it).
   */
  public record Settings(List<Cidr> allow, int maxPorts, int maxHosts, int maxRate, int maxOpenSockets,
      int maxConcurrent) {
    public static final String ALLOW = "scanAllow";
    public static final String MAX_PORTS = "scanMaxPorts";
    public static final String MAX_HOSTS = "scanMaxHosts";
    public static final String MAX_RATE = "scanMaxRate";
    public static final String MAX_OPEN_SOCKETS = "scanMaxOpenSockets";
    public static final String MAX_CONCURRENT = "scanMaxConcurrent";

    public static final int DEFAULT_MAX_PORTS = 65535;
    public static final int DEFAULT_MAX_HOSTS = 256;
    public static final int DEFAULT_MAX_RATE = 100_000;
    public static final int DEFAULT_MAX_OPEN_SOCKETS = 4096;
    public static final int DEFAULT_MAX_CONCURRENT = 4;

    /** Accepted ranges: {min, max} per cap. */
    static final Map<String, int[]> RANGES = Map.of(
        MAX_PORTS, new int[] {1, 65535},
        MAX_HOSTS, new int[] {1, 65536},
        MAX_RATE, new int[] {1, 10_000_000},
        MAX_OPEN_SOCKETS, new int[] {1, 1_048_576},
        MAX_CONCURRENT, new int[] {1, 1024});

    public Settings {
      allow = List.copyOf(allow);
      check(MAX_PORTS, maxPorts);
      check(MAX_HOSTS, maxHosts);
      check(MAX_RATE, maxRate);
      check(MAX_OPEN_SOCKETS, maxOpenSockets);
      check(MAX_CONCURRENT, maxConcurrent);
    }

    private static void check(String key, int value) {
      int[] range = RANGES.get(key);
      if (value < range[0] || value > range[1]) {
        throw new IllegalArgumentException("invalid " + key + " '" + value + "': it must be from " + range[0]
            + " to " + range[1]);
      }
    }

    /** Only the node itself; 65535 ports, 256 hosts, 100000 probes/s, 4096 sockets, 4 scans at once. */
    public static Settings defaults() {
      return new Settings(List.of(), DEFAULT_MAX_PORTS, DEFAULT_MAX_HOSTS, DEFAULT_MAX_RATE,
          DEFAULT_MAX_OPEN_SOCKETS, DEFAULT_MAX_CONCURRENT);
    }

    /**
     * Settings from configuration values (keys {@link #ALLOW}, {@link #MAX_PORTS}, {@link #MAX_HOSTS},
     * {@link #MAX_RATE}, {@link #MAX_OPEN_SOCKETS}, {@link #MAX_CONCURRENT}; other keys are ignored, absent ones
     * take the defaults). Values are strings or JSON numbers; {@code scanAllow} is a comma-separated string or a
     * list of strings.
     *
     * @throws IllegalArgumentException with a one-line message for a bad value
     */
    public static Settings fromConfig(Map<String, ?> values) {
      return new Settings(
          values.get(ALLOW) == null ? List.of() : parseAllow(values.get(ALLOW)),
          parseCap(MAX_PORTS, values.get(MAX_PORTS), DEFAULT_MAX_PORTS),
          parseCap(MAX_HOSTS, values.get(MAX_HOSTS), DEFAULT_MAX_HOSTS),
          parseCap(MAX_RATE, values.get(MAX_RATE), DEFAULT_MAX_RATE),
          parseCap(MAX_OPEN_SOCKETS, values.get(MAX_OPEN_SOCKETS), DEFAULT_MAX_OPEN_SOCKETS),
          parseCap(MAX_CONCURRENT, values.get(MAX_CONCURRENT), DEFAULT_MAX_CONCURRENT));
    }

    /**
     * {@code scanAllow}: addresses and CIDR blocks separated by commas ({@code "10.0.0.0/8, fd00::/64, 192.0.2.7"}),
     * or a list of them; blank for none.
     *
     * @throws IllegalArgumentException naming the bad item
     */
    public static List<Cidr> parseAllow(Object value) {
      List<String> items = new ArrayList<>();
      if (value instanceof Collection<?> list) {
        for (Object o : list) {
          items.add(Objects.toString(o));
        }
      } else if (value != null && !value.toString().isBlank()) {
        items.addAll(List.of(value.toString().split(",", -1)));
      }
      List<Cidr> out = new ArrayList<>();
      for (String item : items) {
        try {
          out.add(Cidr.parse(item));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("invalid " + ALLOW + ": " + e.getMessage());
        }
      }
      return List.copyOf(out);
    }

    /**
     * One cap: a whole number (string or JSON integer) within its range, or {@code dflt} when null.
     *
     * @throws IllegalArgumentException "invalid scanMaxPorts 'x': it must be a whole number from 1 to 65535"
     */
    public static int parseCap(String key, Object value, int dflt) {
      int[] range = RANGES.get(key);
      if (range == null) {
        throw new IllegalArgumentException("unknown scan setting " + key);
      }
      if (value == null) {
        return dflt;
      }
      long n;
      try {
        if (value instanceof Number num) {
          n = num.longValue();
          if (num.doubleValue() != n) {
            throw new NumberFormatException();
          }
        } else {
          String t = value.toString().strip().replace("_", "");
          n = t.matches("[0-9]{1,12}") ? Long.parseLong(t) : Long.MIN_VALUE;
        }
      } catch (NumberFormatException e) {
        n = Long.MIN_VALUE;
      }
      if (n < range[0] || n > range[1]) {
        throw new IllegalArgumentException("invalid " + key + " '" + value + "': it must be a whole number from "
            + range[0] + " to " + range[1]);
      }
      return (int) n;
    }

    public Settings withAllow(List<Cidr> blocks) {
      return new Settings(blocks, maxPorts, maxHosts, maxRate, maxOpenSockets, maxConcurrent);
    }

    public Settings withMaxPorts(int n) {
      return new Settings(allow, n, maxHosts, maxRate, maxOpenSockets, maxConcurrent);
    }

    public Settings withMaxHosts(int n) {
      return new Settings(allow, maxPorts, n, maxRate, maxOpenSockets, maxConcurrent);
    }

    public Settings withMaxRate(int n) {
      return new Settings(allow, maxPorts, maxHosts, n, maxOpenSockets, maxConcurrent);
    }

    public Settings withMaxOpenSockets(int n) {
      return new Settings(allow, maxPorts, maxHosts, maxRate, n, maxConcurrent);
    }

    public Settings withMaxConcurrent(int n) {
      return new Settings(allow, maxPorts, maxHosts, maxRate, maxOpenSockets, n);
    }
  }

  private final Settings settings;
  private final Resolver resolver;
  private final Supplier<? extends Collection<InetAddress>> ownAddresses;

  private ScanPolicy(Settings settings, Resolver resolver, Supplier<? extends Collection<InetAddress>> ownAddresses) {
    this.settings = Objects.requireNonNull(settings);
    this.resolver = Objects.requireNonNull(resolver);
    this.ownAddresses = Objects.requireNonNull(ownAddresses);
  }

  /** Default settings, the system resolver, the node's interfaces. */
  public static ScanPolicy defaults() {
    return create(Settings.defaults(), Resolver.SYSTEM);
  }

  public static ScanPolicy create(Settings settings, Resolver resolver) {
    return new ScanPolicy(settings, resolver, ScanPolicy::interfaceAddresses);
  }

  /** With the node's own addresses from {@code ownAddresses} instead of the network interfaces (for tests). */
  public static ScanPolicy create(Settings settings, Resolver resolver,
      Supplier<? extends Collection<InetAddress>> ownAddresses) {
    return new ScanPolicy(settings, resolver, ownAddresses);
  }

  public Settings settings() {
    return settings;
  }

  /** This policy with other settings (same resolver and own addresses): a running node's policy changed. */
  public ScanPolicy withSettings(Settings changed) {
    return new ScanPolicy(changed, resolver, ownAddresses);
  }

  /**
   * This policy with {@code names} as its resolver: a host name resolved beforehand (without blocking) is checked
   * and scanned as those addresses.
   */
  public ScanPolicy withResolver(Resolver names) {
    return new ScanPolicy(settings, names, ownAddresses);
  }

  /** How many scans may run at once; the scan registry enforces it. */
  public int maxConcurrent() {
    return settings.maxConcurrent();
  }

  /**
   * The plan for scanning {@code target}, or {@link ScanRefusedException} (403) when the policy refuses it, or
   * {@link InvalidQueryException} (400) for a protocol other than tcp/udp or a host that does not resolve.
   * {@code preset} null means {@link Preset#NORMAL}; banners are grabbed on TCP only (false for UDP). The plan's
   * {@code maxRate} is the lower of the preset's rate (when it has one) and {@code scanMaxRate}.
   */
  public ScanPlan authorize(ScanTarget target, PortList ports, Protocol proto, Preset preset, boolean banners) {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(ports, "ports");
    if (proto != Protocol.TCP && proto != Protocol.UDP) {
      throw new InvalidQueryException("invalid proto", "a scan is tcp or udp, not "
          + (proto == null ? "nothing" : proto.wireName()));
    }
    Preset p = preset == null ? Preset.NORMAL : preset;
    if (ports.size() > settings.maxPorts()) {
      throw new ScanRefusedException("too many ports", "the scan asks for " + ports.size() + " ports; this node"
          + " scans at most " + settings.maxPorts() + " per scan (the " + Settings.MAX_PORTS + " setting)");
    }
    if (target.addressCount() > settings.maxHosts()) {
      BigInteger count = target.cidr().size();
      throw new ScanRefusedException("too many hosts", target.text() + " holds " + count + " addresses; this node"
          + " scans at most " + settings.maxHosts() + " per scan (the " + Settings.MAX_HOSTS + " setting): give a"
          + " smaller block");
    }
    List<InetAddress> addresses = addressesOf(target);
    checkAllowed(target, addresses);
    int rate = p.maxRate() > 0 ? Math.min(p.maxRate(), settings.maxRate()) : settings.maxRate();
    return new ScanPlan(addresses, ports, proto, p, banners && proto == Protocol.TCP, rate,
        settings.maxOpenSockets());
  }

  /**
   * The plan for scanning this node's own addresses, all of them but loopback and link-local (the exposure view's
   * outside view). {@link InvalidQueryException} when the node has none.
   */
  public ScanPlan authorizeOwnAddresses(PortList ports, Protocol proto, Preset preset, boolean banners) {
    List<InetAddress> own = new java.util.ArrayList<>();
    for (InetAddress a : ownAddresses.get()) {
      if (!a.isLoopbackAddress() && !a.isLinkLocalAddress() && !a.isAnyLocalAddress()) {
        own.add(IpLiterals.normalize(a));
      }
    }
    if (own.isEmpty()) {
      throw new InvalidQueryException("no outside address", "this node has no address but loopback (and link-local):"
          + " nothing outside it can reach its listeners");
    }
    ScanPlan first = authorize(ScanTarget.parse(own.getFirst().getHostAddress()), ports, proto, preset, banners);
    if (own.size() > settings.maxHosts()) {
      throw new ScanRefusedException("too many hosts", "this node has " + own.size() + " addresses; this node scans"
          + " at most " + settings.maxHosts() + " per scan (the " + Settings.MAX_HOSTS + " setting)");
    }
    return new ScanPlan(own, first.ports(), first.proto(), first.preset(), first.banners(), first.maxRate(),
        first.maxOpenSockets());
  }

  /**
   * The plan for scanning several addresses in one scan (another node's addresses, for the exposure view from
   * outside): every one must be an address (not a name or a block) and allowed, as {@link #authorize} checks it;
   * duplicates count once. {@link InvalidQueryException} for a name or block in the list,
   * {@link ScanRefusedException} for the first address refused or more addresses than {@code scanMaxHosts}.
   */
  public ScanPlan authorizeAddresses(List<ScanTarget> targets, PortList ports, Protocol proto, Preset preset,
      boolean banners) {
    if (targets.isEmpty()) {
      throw new InvalidQueryException("invalid target", "no target given: give one or more addresses");
    }
    for (ScanTarget t : targets) {
      if (t.kind() != ScanTarget.Kind.ADDRESS) {
        throw new InvalidQueryException("invalid target", QueryValues.echo(t.text()) + ": a list of targets holds"
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
      throw new ScanRefusedException("too many hosts", "the list holds " + addresses.size() + " addresses; this"
          + " node scans at most " + settings.maxHosts() + " per scan (the " + Settings.MAX_HOSTS + " setting)");
    }
    ScanPlan first = null;
    for (ScanTarget t : targets) {
      ScanPlan plan = authorize(t, ports, proto, preset, banners);
      first = first == null ? plan : first;
    }
    return new ScanPlan(addresses, first.ports(), first.proto(), first.preset(), first.banners(), first.maxRate(),
        first.maxOpenSockets());
  }

  /**
   * The address and port a connectivity check of {@code target} may connect to, under the same rules as a scan
   * (a host name resolves once; its first address is checked and returned, never the name).
   *
   * @throws InvalidQueryException for a port outside 1-65535, a CIDR block, or an unknown host
   * @throws ScanRefusedException when the address is not allowed
   */
  public InetSocketAddress authorizeCheck(ScanTarget target, int port) {
    Objects.requireNonNull(target, "target");
    if (port < 1 || port > 65535) {
      throw new InvalidQueryException("invalid port", "a check connects to a port from 1 to 65535, not " + port);
    }
    if (target.kind() == ScanTarget.Kind.CIDR) {
      throw new InvalidQueryException("invalid target", QueryValues.echo(target.text()) + ": a connectivity check"
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
      throw new InvalidQueryException("does not resolve", QueryValues.echo(target.host()) + " does not resolve ("
          + QueryValues.echo(why) + "): check the name, or give an address");
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
    String subject = switch (target.kind()) {
      case HOST -> QueryValues.echo(target.host()) + " resolves to " + address + ", which";
      case ADDRESS -> address;
      case CIDR -> address + (refused > 1 ? " (and " + (refused - 1) + " more of the " + addresses.size()
          + " addresses of " + target.text() + ")" : " (in " + target.text() + ")");
    };
    if (firstReason == NOT_ALLOWED) {
      String example = target.kind() == ScanTarget.Kind.CIDR ? target.text() : address;
      firstReason = "is not allowed: this node scans loopback, its own addresses"
          + (settings.allow().isEmpty() ? " and nothing else (the " + Settings.ALLOW + " setting is empty)"
              : " and the " + Settings.ALLOW + " blocks (" + String.join(", ", settings.allow().stream()
                  .map(Cidr::toString).toList()) + ")")
          + "; to allow it, add it or its network to the " + Settings.ALLOW + " setting, e.g. " + Settings.ALLOW
          + "=" + example;
    }
    throw new ScanRefusedException("target not allowed", subject + " " + firstReason);
  }

  private static final String NOT_ALLOWED = "is not allowed";

  /** Null when allowed, {@link #NOT_ALLOWED} when outside the allowed blocks, else why it never is. */
  private String refusal(InetAddress a, Set<ByteKey> own) {
    if (a.isAnyLocalAddress()) {
      return "is the unspecified address, which Linux connects to this node itself; it is never scanned under"
          + " that name: to scan this node give 127.0.0.1, ::1 or one of its addresses";
    }
    if (a instanceof Inet6Address && a.isLinkLocalAddress()) {
      return "is an IPv6 link-local address, which needs an interface (zone) to reach and is not scanned; give"
          + " the node's global or unique-local address";
    }
    if (Cidr.LOOPBACK_V4.contains(a) || Cidr.LOOPBACK_V6.contains(a) || own.contains(new ByteKey(a.getAddress()))) {
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

  /** Every address of every network interface, now (interfaces come and go, so this is read at each check). */
  static Collection<InetAddress> interfaceAddresses() {
    Set<InetAddress> out = new TreeSet<>((x, y) -> java.util.Arrays.compare(x.getAddress(), y.getAddress()));
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
