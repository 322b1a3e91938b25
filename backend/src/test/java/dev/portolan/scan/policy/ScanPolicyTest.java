package dev.portolan.scan.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.http.InvalidQueryException;
import dev.portolan.scan.IpLiterals;
import dev.portolan.scan.PortList;
import dev.portolan.scan.Preset;
import dev.portolan.scan.ScanPlan;
import dev.portolan.scan.ScanRefusedException;
import dev.portolan.socket.Protocol;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ScanPolicyTest {
  private static final PortList WEB = PortList.of(80, 443);
  private static final InetAddress OWN = ip("192.0.2.2");

  /**
   * A resolver that counts its calls and answers from a script: one answer per call, the last one
   * repeating.
   */
  static final class CountingResolver implements ScanPolicy.Resolver {
    final AtomicInteger calls = new AtomicInteger();
    final List<String> names = Collections.synchronizedList(new ArrayList<>());
    private final List<List<InetAddress>> answers;

    @SafeVarargs
    CountingResolver(List<InetAddress>... answers) {
      this.answers = List.of(answers);
    }

    @Override
    public List<InetAddress> resolve(String host) throws UnknownHostException {
      names.add(host);
      int n = calls.getAndIncrement();
      if (answers.isEmpty()) {
        throw new UnknownHostException(host + ": Name or service not known");
      }
      return answers.get(Math.min(n, answers.size() - 1));
    }
  }

  private static ScanPolicy policy(ScanPolicySettings settings, ScanPolicy.Resolver resolver) {
    return ScanPolicy.create(
        settings, resolver, () -> List.of(ip("127.0.0.1"), OWN, ip("fd00::2")));
  }

  private static ScanPolicy policy(ScanPolicySettings settings) {
    return policy(settings, new CountingResolver());
  }

  private static ScanPlan scan(ScanPolicy p, String target) {
    return p.authorize(ScanTarget.parse(target), WEB, Protocol.TCP, Preset.NORMAL, false);
  }

  private static ScanRefusedException refused(ScanPolicy p, String target) {
    return assertThrows(ScanRefusedException.class, () -> scan(p, target));
  }

  @Test
  void outOfTheBoxOnlyLoopbackAndTheNodesOwnAddressesAreAllowed() {
    ScanPolicy p = policy(ScanPolicySettings.defaults());
    assertEquals(List.of(ip("127.0.0.1")), scan(p, "127.0.0.1").addresses());
    assertEquals(List.of(ip("127.1.2.3")), scan(p, "127.1.2.3").addresses());
    assertEquals(List.of(ip("::1")), scan(p, "::1").addresses());
    assertEquals(List.of(OWN), scan(p, "192.0.2.2").addresses());
    assertEquals(List.of(ip("fd00::2")), scan(p, "fd00::2").addresses());
    assertEquals(4, scan(p, "127.0.0.0/30").addresses().size());

    ScanRefusedException e = refused(p, "10.0.0.1");
    assertEquals("target not allowed", e.error());
    assertEquals(
        "10.0.0.1 is not allowed: this node scans loopback, its own addresses and nothing else (the"
            + " scanAllow setting is empty); to allow it, add it or its network to the scanAllow setting, e.g."
            + " scanAllow=10.0.0.1",
        e.detail());
    assertTrue(refused(p, "192.0.2.3").detail().startsWith("192.0.2.3 is not allowed"));
    assertTrue(refused(p, "fd00::3").detail().startsWith("fd00::3 is not allowed"));
    assertTrue(refused(p, "::2").detail().startsWith("::2 is not allowed"));
  }

  @Test
  void theDefaultPolicyReadsTheRealInterfaces() throws Exception {
    InetAddress own =
        NetworkInterface.networkInterfaces()
            .filter(
                nic -> {
                  try {
                    return !nic.isLoopback();
                  } catch (java.net.SocketException e) {
                    return false;
                  }
                })
            .flatMap(NetworkInterface::inetAddresses)
            .filter(a -> !a.isLinkLocalAddress())
            .findFirst()
            .orElse(null);
    Assumptions.assumeTrue(
        own != null, "this host has no non-loopback, non-link-local address to check");
    ScanPolicy p = ScanPolicy.defaults();
    ScanPlan plan =
        p.authorize(ScanTarget.parse(IpLiterals.text(own)), WEB, Protocol.TCP, null, false);
    assertEquals(List.of(IpLiterals.normalize(own)), plan.addresses());
    assertTrue(p.allows(ip("127.0.0.1")));
    assertFalse(p.allows(ip("203.0.113.9")), "TEST-NET-3 is nobody's own address");
    assertThrows(ScanRefusedException.class, () -> scan(p, "203.0.113.9"));
  }

  @Test
  void ownAddressesAreReadAtEveryCheck() {
    List<InetAddress> own = new ArrayList<>();
    ScanPolicy p =
        ScanPolicy.create(
            ScanPolicySettings.defaults(), new CountingResolver(), () -> List.copyOf(own));
    assertThrows(ScanRefusedException.class, () -> scan(p, "198.51.100.7"));
    own.add(ip("198.51.100.7"));
    assertEquals(List.of(ip("198.51.100.7")), scan(p, "198.51.100.7").addresses());
    own.clear();
    assertThrows(ScanRefusedException.class, () -> scan(p, "198.51.100.7"));
  }

  @Test
  void scanAllowAddsBlocks() {
    ScanPolicy p =
        policy(
            ScanPolicySettings.defaults()
                .withAllow(List.of(Cidr.parse("10.0.0.0/25"), Cidr.parse("fd01::/64"))));
    assertEquals(128, scan(p, "10.0.0.0/25").addresses().size());
    assertEquals(List.of(ip("fd01::abcd")), scan(p, "fd01::abcd").addresses());
    ScanRefusedException e = refused(p, "10.0.0.0/24");
    assertEquals(
        "10.0.0.128 (and 127 more of the 256 addresses of 10.0.0.0/24) is not allowed: this node scans"
            + " loopback, its own addresses and the scanAllow blocks (10.0.0.0/25, fd01::/64); to allow it, add it or"
            + " its network to the scanAllow setting, e.g. scanAllow=10.0.0.0/24",
        e.detail());
    assertEquals(
        "10.0.0.128 (in 10.0.0.128/32) is not allowed",
        firstSentence(refused(p, "10.0.0.128/32").detail()));
    assertEquals(
        "10.0.0.128 (and 1 more of the 2 addresses of 10.0.0.128/31) is not allowed",
        firstSentence(refused(p, "10.0.0.128/31").detail()));
    assertEquals(List.of(ip("10.0.0.126"), ip("10.0.0.127")), scan(p, "10.0.0.127/31").addresses());
  }

  @Test
  void ipv4MappedAddressesAreCheckedAsIpv4() {
    ScanPolicy closed = policy(ScanPolicySettings.defaults());
    ScanRefusedException e = refused(closed, "::ffff:10.0.0.1");
    assertTrue(e.detail().startsWith("10.0.0.1 is not allowed"), e.detail());
    ScanPlan loop = scan(closed, "::ffff:127.0.0.1");
    assertInstanceOf(Inet4Address.class, loop.addresses().getFirst());
    assertEquals(ip("127.0.0.1"), loop.addresses().getFirst());

    // an allow entry written mapped is the IPv4 block; a mapped answer from the resolver is the
    // IPv4 address
    byte[] mapped = new byte[16];
    mapped[10] = (byte) 0xff;
    mapped[11] = (byte) 0xff;
    mapped[12] = 10;
    mapped[15] = 1;
    InetAddress mappedV6 = inet6(mapped);
    assertInstanceOf(
        Inet6Address.class, mappedV6, "the JDK keeps this one IPv6: the case to normalize");
    ScanPolicy open =
        policy(
            ScanPolicySettings.defaults().withAllow(List.of(Cidr.parse("::ffff:10.0.0.0/104"))),
            new CountingResolver(List.of(mappedV6)));
    assertEquals("10.0.0.0/8", open.settings().allow().getFirst().toString());
    ScanPlan plan =
        open.authorize(ScanTarget.parse("mapped.example"), WEB, Protocol.TCP, Preset.NORMAL, false);
    assertInstanceOf(Inet4Address.class, plan.addresses().getFirst());
    assertEquals(ip("10.0.0.1"), plan.addresses().getFirst());
    assertEquals(
        "'mapped.example' resolves to 10.0.0.1, which is not allowed",
        firstSentence(
            assertThrows(
                    ScanRefusedException.class,
                    () ->
                        policy(
                                ScanPolicySettings.defaults(),
                                new CountingResolver(List.of(mappedV6)))
                            .authorize(
                                ScanTarget.parse("mapped.example"),
                                WEB,
                                Protocol.TCP,
                                Preset.NORMAL,
                                false))
                .detail()));
    assertTrue(open.allows(mappedV6));
    assertFalse(closed.allows(mappedV6));
    // IPv4-compatible (::a.b.c.d) is plain IPv6, not the IPv4 address
    assertTrue(refused(open, "::10.0.0.1").detail().startsWith("::10.0.0.1 is not allowed"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"0.0.0.0", "::", "0.0.0.0/31", "::ffff:0.0.0.0"})
  void theUnspecifiedAddressIsNeverScannedEvenWhenAllowed(String target) {
    ScanPolicy everything =
        policy(
            ScanPolicySettings.defaults()
                .withAllow(List.of(Cidr.parse("0.0.0.0/0"), Cidr.parse("::/0"))));
    ScanRefusedException e = refused(everything, target);
    assertEquals("target not allowed", e.error());
    assertTrue(
        e.detail().contains("is the unspecified address, which Linux connects to this node itself"),
        e.detail());
    assertTrue(e.detail().contains("give 127.0.0.1, ::1 or one of its addresses"), e.detail());
  }

  @Test
  void aNameResolvingToTheUnspecifiedAddressIsRefused() {
    CountingResolver sinkhole = new CountingResolver(List.of(ip("0.0.0.0")));
    ScanPolicy p =
        policy(ScanPolicySettings.defaults().withAllow(List.of(Cidr.parse("0.0.0.0/0"))), sinkhole);
    ScanRefusedException e =
        assertThrows(
            ScanRefusedException.class,
            () ->
                p.authorize(
                    ScanTarget.parse("ads.example"), WEB, Protocol.TCP, Preset.NORMAL, false));
    assertTrue(
        e.detail()
            .startsWith("'ads.example' resolves to 0.0.0.0, which is the unspecified address"),
        e.detail());
  }

  @Test
  void linkLocalIpv6IsRefused() {
    ScanPolicy p =
        ScanPolicy.create(
            ScanPolicySettings.defaults().withAllow(List.of(Cidr.parse("::/0"))),
            new CountingResolver(),
            () -> List.of(ip("fe80::1")));
    assertTrue(refused(p, "fe80::1").detail().startsWith("fe80::1 is an IPv6 link-local address"));
  }

  @Test
  void aNameIsResolvedExactlyOnceAndThePlanHoldsTheAddress() throws Exception {
    // answers 127.0.0.5 first, then an outside address: a second look-up would be a rebinding hole
    CountingResolver rebinding =
        new CountingResolver(
            List.of(InetAddress.getByAddress("db.example", new byte[] {127, 0, 0, 5})),
            List.of(ip("203.0.113.66")));
    ScanPolicy p = policy(ScanPolicySettings.defaults(), rebinding);
    ScanPlan plan =
        p.authorize(ScanTarget.parse("DB.example."), WEB, Protocol.TCP, Preset.NORMAL, false);
    assertEquals(1, rebinding.calls.get());
    assertEquals(List.of("db.example"), rebinding.names);
    assertEquals(List.of(ip("127.0.0.5")), plan.addresses());
    assertEquals(
        "/127.0.0.5",
        plan.addresses().getFirst().toString(),
        "the plan carries no name to look up again");

    CountingResolver again = new CountingResolver(List.of(ip("127.0.0.6")));
    InetSocketAddress checked =
        policy(ScanPolicySettings.defaults(), again)
            .authorizeCheck(ScanTarget.parse("db.example"), 5432);
    assertEquals(1, again.calls.get());
    assertFalse(checked.isUnresolved());
    assertEquals(ip("127.0.0.6"), checked.getAddress());
    assertEquals("/127.0.0.6:5432", checked.toString());
  }

  @Test
  void onlyTheFirstResolvedAddressIsCheckedAndScanned() {
    ScanPolicy p =
        policy(
            ScanPolicySettings.defaults(),
            new CountingResolver(List.of(ip("127.0.0.2"), ip("203.0.113.1"))));
    assertEquals(
        List.of(ip("127.0.0.2")),
        p.authorize(ScanTarget.parse("multi.example"), WEB, Protocol.TCP, Preset.NORMAL, false)
            .addresses());
    ScanPolicy q =
        policy(
            ScanPolicySettings.defaults(),
            new CountingResolver(List.of(ip("203.0.113.1"), ip("127.0.0.2"))));
    ScanRefusedException e =
        assertThrows(
            ScanRefusedException.class,
            () ->
                q.authorize(
                    ScanTarget.parse("multi.example"), WEB, Protocol.TCP, Preset.NORMAL, false));
    assertEquals(
        "'multi.example' resolves to 203.0.113.1, which is not allowed", firstSentence(e.detail()));
  }

  @Test
  void unknownHostsAreBadRequests() {
    ScanPolicy p = policy(ScanPolicySettings.defaults(), new CountingResolver());
    InvalidQueryException e =
        assertThrows(
            InvalidQueryException.class,
            () ->
                p.authorize(
                    ScanTarget.parse("nope.invalid"), WEB, Protocol.TCP, Preset.NORMAL, false));
    assertEquals("does not resolve", e.error());
    assertEquals(
        "'nope.invalid' does not resolve ('Name or service not known'): check the name, or give an"
            + " address",
        e.detail());
    ScanPolicy empty = policy(ScanPolicySettings.defaults(), new CountingResolver(List.of()));
    assertEquals(
        "'empty.example' does not resolve ('no address'): check the name, or give an address",
        assertThrows(
                InvalidQueryException.class,
                () -> empty.authorizeCheck(ScanTarget.parse("empty.example"), 22))
            .detail());
  }

  @Test
  void theSystemResolverResolvesLocalhostToLoopback() {
    ScanPlan plan =
        ScanPolicy.defaults()
            .authorize(ScanTarget.parse("localhost"), WEB, Protocol.TCP, Preset.NORMAL, false);
    assertEquals(1, plan.addresses().size());
    assertTrue(plan.addresses().getFirst().isLoopbackAddress(), plan.addresses().toString());
  }

  @Test
  void capsRefuseWithTheNumbers() {
    CountingResolver resolver = new CountingResolver(List.of(ip("127.0.0.1")));
    ScanPolicy p =
        policy(ScanPolicySettings.defaults().withMaxPorts(100).withMaxHosts(16), resolver);
    ScanRefusedException ports =
        assertThrows(
            ScanRefusedException.class,
            () ->
                p.authorize(
                    ScanTarget.parse("localhost"),
                    PortList.parse("top:1000", Protocol.TCP),
                    Protocol.TCP,
                    Preset.NORMAL,
                    false));
    assertEquals("too many ports", ports.error());
    assertEquals(
        "the scan asks for 1000 ports; this node scans at most 100 per scan (the scanMaxPorts setting)",
        ports.detail());
    assertEquals(0, resolver.calls.get(), "caps are checked before any look-up");

    ScanRefusedException hosts = refused(p, "127.0.0.0/24");
    assertEquals("too many hosts", hosts.error());
    assertEquals(
        "127.0.0.0/24 holds 256 addresses; this node scans at most 16 per scan (the scanMaxHosts"
            + " setting): give a smaller block",
        hosts.detail());
    assertEquals(16, scan(p, "127.0.0.0/28").addresses().size());
    assertEquals(
        100,
        p.authorize(
                ScanTarget.parse("::1"),
                PortList.parse("1-100", Protocol.TCP),
                Protocol.TCP,
                Preset.NORMAL,
                false)
            .ports()
            .size());

    ScanPolicy d = policy(ScanPolicySettings.defaults());
    assertEquals(
        "fd00::/64 holds 18446744073709551616 addresses; this node scans at most 256 per scan (the"
            + " scanMaxHosts setting): give a smaller block",
        refused(d, "fd00::/64").detail());
    assertEquals(
        "10.0.0.0/8 holds 16777216 addresses; this node scans at most 256 per scan (the scanMaxHosts"
            + " setting): give a smaller block",
        refused(d, "10.0.0.0/8").detail());
    assertEquals(
        65535,
        d.authorize(
                ScanTarget.parse("127.0.0.1"),
                PortList.parse("-", Protocol.TCP),
                Protocol.TCP,
                Preset.AGGRESSIVE,
                true)
            .ports()
            .size(),
        "a full scan fits the default cap");
  }

  @Test
  void ratesSocketsAndConcurrencyGoWhereTheyBelong() {
    ScanPolicy d = policy(ScanPolicySettings.defaults());
    ScanPlan normal = scan(d, "127.0.0.1");
    assertEquals(5_000, normal.maxRate(), "the preset's rate is below the policy's");
    assertEquals(4096, normal.maxOpenSockets());
    assertEquals(
        100_000,
        d.authorize(ScanTarget.parse("::1"), WEB, Protocol.TCP, Preset.AGGRESSIVE, false).maxRate(),
        "aggressive has no rate of its own");
    assertEquals(4, d.maxConcurrent());

    ScanPolicy slow =
        policy(
            ScanPolicySettings.defaults()
                .withMaxRate(50)
                .withMaxOpenSockets(32)
                .withMaxConcurrent(1));
    ScanPlan plan =
        slow.authorize(ScanTarget.parse("127.0.0.1"), WEB, Protocol.UDP, Preset.POLITE, true);
    assertEquals(50, plan.maxRate());
    assertEquals(32, plan.maxOpenSockets());
    assertEquals(1, slow.maxConcurrent());
    assertEquals(Protocol.UDP, plan.proto());
    assertEquals(Preset.POLITE, plan.preset());
    assertFalse(plan.banners(), "banners are a TCP thing");
    assertTrue(
        slow.authorize(ScanTarget.parse("127.0.0.1"), WEB, Protocol.TCP, null, true).banners());
    assertEquals(
        Preset.NORMAL,
        slow.authorize(ScanTarget.parse("127.0.0.1"), WEB, Protocol.TCP, null, true).preset());
  }

  @Test
  void onlyTcpAndUdpAreScanned() {
    InvalidQueryException e =
        assertThrows(
            InvalidQueryException.class,
            () ->
                policy(ScanPolicySettings.defaults())
                    .authorize(
                        ScanTarget.parse("127.0.0.1"), WEB, Protocol.UNIX, Preset.NORMAL, false));
    assertEquals("invalid proto", e.error());
    assertEquals("a scan is tcp or udp, not unix", e.detail());
  }

  @Test
  void connectivityChecksFollowTheSameRules() {
    ScanPolicy p = policy(ScanPolicySettings.defaults());
    assertEquals(
        new InetSocketAddress(ip("127.0.0.1"), 22),
        p.authorizeCheck(ScanTarget.parse("127.0.0.1"), 22));
    assertEquals(
        ip("127.0.0.1"), p.authorizeCheck(ScanTarget.parse("::ffff:127.0.0.1"), 22).getAddress());
    ScanRefusedException e =
        assertThrows(
            ScanRefusedException.class, () -> p.authorizeCheck(ScanTarget.parse("10.0.0.5"), 5432));
    assertEquals("target not allowed", e.error());
    assertTrue(e.detail().contains("scanAllow=10.0.0.5"), e.detail());
    assertThrows(
        ScanRefusedException.class, () -> p.authorizeCheck(ScanTarget.parse("0.0.0.0"), 22));
    InvalidQueryException block =
        assertThrows(
            InvalidQueryException.class,
            () -> p.authorizeCheck(ScanTarget.parse("127.0.0.0/30"), 22));
    assertEquals(
        "'127.0.0.0/30': a connectivity check takes one host name or address, not a block",
        block.detail());
    for (int bad : new int[] {0, -1, 65536}) {
      InvalidQueryException port =
          assertThrows(
              InvalidQueryException.class,
              () -> p.authorizeCheck(ScanTarget.parse("127.0.0.1"), bad));
      assertEquals("invalid port", port.error());
      assertEquals("a check connects to a port from 1 to 65535, not " + bad, port.detail());
    }
  }

  @Test
  void aListOfAddressesIsOneScanWhereEveryAddressMustBeAllowed() {
    ScanPolicy p = policy(ScanPolicySettings.defaults());
    ScanPlan plan =
        p.authorizeAddresses(
            dev.portolan.bus.ScanRequest.addressList("192.0.2.2,fd00::2,192.0.2.2"),
            WEB,
            Protocol.TCP,
            Preset.POLITE,
            false);
    assertEquals(List.of(OWN, ip("fd00::2")), plan.addresses(), "in order, duplicates once");
    assertEquals(Preset.POLITE, plan.preset());
    assertEquals(WEB.size(), plan.ports().size());

    ScanRefusedException outside =
        assertThrows(
            ScanRefusedException.class,
            () ->
                p.authorizeAddresses(
                    dev.portolan.bus.ScanRequest.addressList("192.0.2.2,203.0.113.9"),
                    WEB,
                    Protocol.TCP,
                    Preset.NORMAL,
                    false));
    assertEquals("target not allowed", outside.error());
    assertTrue(
        outside.detail().startsWith("203.0.113.9 is not allowed")
            && outside.detail().contains("scanAllow=203.0.113.9"),
        outside.detail());
    ScanPolicy allowing =
        policy(ScanPolicySettings.defaults().withAllow(List.of(Cidr.parse("203.0.113.0/24"))));
    assertEquals(
        2,
        allowing
            .authorizeAddresses(
                dev.portolan.bus.ScanRequest.addressList("192.0.2.2, 203.0.113.9"),
                WEB,
                Protocol.TCP,
                Preset.NORMAL,
                false)
            .addresses()
            .size(),
        "spaces around items are fine");

    for (String bad : List.of("127.0.0.1,localhost", "127.0.0.1,127.0.0.0/30")) {
      InvalidQueryException e =
          assertThrows(
              InvalidQueryException.class,
              () ->
                  p.authorizeAddresses(
                      dev.portolan.bus.ScanRequest.addressList(bad),
                      WEB,
                      Protocol.TCP,
                      Preset.NORMAL,
                      false));
      assertTrue(e.detail().contains("a list of targets holds IP addresses only"), e.detail());
    }
    assertEquals(
        "invalid target",
        assertThrows(
                InvalidQueryException.class,
                () -> dev.portolan.bus.ScanRequest.addressList("127.0.0.1,,::1"))
            .error());
    ScanPolicy two = policy(ScanPolicySettings.defaults().withMaxHosts(2));
    ScanRefusedException many =
        assertThrows(
            ScanRefusedException.class,
            () ->
                two.authorizeAddresses(
                    dev.portolan.bus.ScanRequest.addressList("127.0.0.1,127.0.0.2,127.0.0.3"),
                    WEB,
                    Protocol.TCP,
                    Preset.NORMAL,
                    false));
    assertEquals("too many hosts", many.error());
  }

  @Test
  void settingsFromConfigValues() {
    ScanPolicySettings d = ScanPolicySettings.fromConfig(Map.of("httpPort", 7070));
    assertEquals(ScanPolicySettings.defaults(), d);
    assertEquals(List.of(), d.allow());
    assertEquals(65535, d.maxPorts());
    assertEquals(256, d.maxHosts());
    assertEquals(100_000, d.maxRate());
    assertEquals(4096, d.maxOpenSockets());
    assertEquals(4, d.maxConcurrent());

    ScanPolicySettings s =
        ScanPolicySettings.fromConfig(
            Map.of(
                "scanAllow",
                " 10.0.0.0/8, fd00::/64 ,192.0.2.7,[fd01::]/48",
                "scanMaxPorts",
                "1024",
                "scanMaxHosts",
                1024,
                "scanMaxRate",
                "10_000",
                "scanMaxOpenSockets",
                512L,
                "scanMaxConcurrent",
                " 2 "));
    assertEquals(
        List.of(
            Cidr.parse("10.0.0.0/8"),
            Cidr.parse("fd00::/64"),
            Cidr.parse("192.0.2.7/32"),
            Cidr.parse("fd01::/48")),
        s.allow());
    assertEquals("192.0.2.7/32", s.allow().get(2).toString());
    assertEquals(1024, s.maxPorts());
    assertEquals(1024, s.maxHosts());
    assertEquals(10_000, s.maxRate());
    assertEquals(512, s.maxOpenSockets());
    assertEquals(2, s.maxConcurrent());
    assertEquals(
        List.of(Cidr.parse("10.1.0.0/16")),
        ScanPolicySettings.fromConfig(Map.of("scanAllow", List.of("10.1.2.3/16"))).allow());
    assertEquals(List.of(), ScanPolicySettings.fromConfig(Map.of("scanAllow", " ")).allow());
  }

  @Test
  void badSettingsSayWhatIsWrongInOneLine() {
    assertEquals(
        "invalid scanMaxPorts 'abc': it must be a whole number from 1 to 65535",
        badSetting("scanMaxPorts", "abc"));
    assertEquals(
        "invalid scanMaxPorts '0': it must be a whole number from 1 to 65535",
        badSetting("scanMaxPorts", "0"));
    assertEquals(
        "invalid scanMaxPorts '70000': it must be a whole number from 1 to 65535",
        badSetting("scanMaxPorts", 70000));
    assertEquals(
        "invalid scanMaxHosts '1.5': it must be a whole number from 1 to 65536",
        badSetting("scanMaxHosts", 1.5));
    assertEquals(
        "invalid scanMaxHosts '-1': it must be a whole number from 1 to 65536",
        badSetting("scanMaxHosts", "-1"));
    assertEquals(
        "invalid scanMaxRate '99999999999999': it must be a whole number from 1 to 10000000",
        badSetting("scanMaxRate", "99999999999999"));
    assertEquals(
        "invalid scanMaxConcurrent '': it must be a whole number from 1 to 1024",
        badSetting("scanMaxConcurrent", ""));
    assertEquals(
        "invalid scanMaxOpenSockets '0': it must be a whole number from 1 to 1048576",
        badSetting("scanMaxOpenSockets", 0));
    assertEquals(
        "invalid scanAllow: invalid address or CIDR '10.0.0.0/33': prefix /33 is out of range: an IPv4"
            + " prefix runs from 0 to 32",
        badSetting("scanAllow", "10.0.0.0/8,10.0.0.0/33"));
    assertEquals(
        "invalid scanAllow: invalid address or CIDR 'db.example': an IPv4 address has 4 numbers separated"
            + " by dots, this has 2",
        badSetting("scanAllow", "db.example"));
    assertEquals(
        "invalid scanAllow: invalid address or CIDR '': give an address like 10.0.0.1 or a block like"
            + " 10.0.0.0/24",
        badSetting("scanAllow", "10.0.0.0/8,"));
    assertEquals(
        "invalid scanAllow: invalid address or CIDR 'fe80::1%eth0': IPv6 zone ids ('%eth0') are not"
            + " accepted: give a global or unique-local address (link-local addresses need a zone and are not scanned)",
        badSetting("scanAllow", "fe80::1%eth0"));
    assertThrows(
        IllegalArgumentException.class, () -> ScanPolicySettings.defaults().withMaxHosts(0));
  }

  private static String badSetting(String key, Object value) {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ScanPolicySettings.fromConfig(Map.of(key, value)));
    assertFalse(e.getMessage().contains("\n"));
    return e.getMessage();
  }

  private static String firstSentence(String detail) {
    int colon = detail.indexOf(": ");
    return colon < 0 ? detail : detail.substring(0, colon);
  }

  private static InetAddress ip(String literal) {
    return InetAddress.ofLiteral(literal);
  }

  private static InetAddress inet6(byte[] b) {
    try {
      return Inet6Address.getByAddress(null, b, -1);
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }
}
