package dev.portolan.access;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The names a node answers to, and the origins it takes changes from. */
class AllowedHostsTest {

  @Test
  void boundToLoopbackOnlyLocalNamesAndLoopbackAddressesAreHosts() {
    AllowedHosts h = AllowedHosts.of("127.0.0.1", List.of());
    for (String ok :
        List.of(
            "localhost",
            "LOCALHOST",
            "localhost.",
            "127.0.0.1",
            "127.8.9.10",
            "::1",
            "[::1]",
            "[0:0:0:0:0:0:0:1]",
            "::ffff:127.0.0.1")) {
      assertTrue(h.acceptsHost(ok), ok);
    }
    for (String no :
        List.of(
            "",
            "rebind.attacker.example",
            "localhost.attacker.example",
            "0.0.0.0",
            "[::]",
            "10.0.0.1",
            "127.1",
            "2130706433",
            "127.0.0.1.nip.io",
            "[::1",
            "local host")) {
      assertFalse(h.acceptsHost(no), no);
    }
    assertFalse(h.wildcard());
  }

  @Test
  void publicHostsAndTheBindAddressAreHosts() throws Exception {
    AllowedHosts h =
        AllowedHosts.of("10.0.0.5", List.of("portolan.example.com", "fd00::7", "portolan-hub"));
    for (String ok :
        List.of(
            "10.0.0.5",
            "Portolan.Example.COM",
            "portolan.example.com.",
            "[fd00::7]",
            "fd00:0:0:0:0:0:0:7",
            "portolan-hub",
            "localhost")) {
      assertTrue(h.acceptsHost(ok), ok);
    }
    for (String no :
        List.of("10.0.0.6", "example.com", "x.portolan.example.com", "portolan-hub.evil")) {
      assertFalse(h.acceptsHost(no), no);
    }
    // a name given as the bind address is one too
    assertTrue(AllowedHosts.of("node1.lan", List.of()).acceptsHost("NODE1.lan"));
  }

  @Test
  void boundToEveryAddressTheInterfacesAddressesAreHostsOnceRead() throws Exception {
    for (String any : List.of("0.0.0.0", "::", "[::]")) {
      AllowedHosts h = AllowedHosts.of(any, List.of());
      assertTrue(h.wildcard(), any);
      assertFalse(h.acceptsHost("192.0.2.10"), "not before the interfaces are read");
      h.refreshInterfaces(
          Set.of(InetAddress.ofLiteral("192.0.2.10"), InetAddress.ofLiteral("fe80::1")));
      assertTrue(h.acceptsHost("192.0.2.10"));
      assertTrue(h.acceptsHost("[fe80::1]"));
      assertTrue(h.acceptsHost("[fe80::1%25eth0]"), "with a zone");
      assertFalse(h.acceptsHost("192.0.2.11"));
      assertFalse(h.acceptsHost("0.0.0.0"), "the wildcard itself names no node");
      h.refreshInterfaces(Set.of());
      assertFalse(h.acceptsHost("192.0.2.10"), "an address gone from the interfaces");
    }
    AllowedHosts fixed = AllowedHosts.of("10.0.0.5", List.of());
    fixed.refreshInterfaces(Set.of(InetAddress.ofLiteral("192.0.2.10")));
    assertFalse(fixed.acceptsHost("192.0.2.10"), "bound to one address, the others are not hosts");
  }

  @Test
  void anOriginMustBeTheNodeAsTheHostReachesIt() {
    AllowedHosts h = AllowedHosts.of("127.0.0.1", List.of("portolan.example.com"));
    assertTrue(h.acceptsOrigin("http://localhost:7070", "localhost", 7070, false));
    assertTrue(h.acceptsOrigin("http://[::1]:7070", "[::1]", 7070, false));
    assertTrue(h.acceptsOrigin("http://localhost", "localhost", -1, false));
    assertTrue(
        h.acceptsOrigin("https://portolan.example.com", "portolan.example.com", -1, false),
        "TLS ended by a proxy");
    assertTrue(h.acceptsOrigin("https://portolan.example.com", "portolan.example.com", 443, true));
    assertFalse(
        h.acceptsOrigin("http://portolan.example.com", "portolan.example.com", 80, true),
        "http to an https node");
    assertFalse(
        h.acceptsOrigin("http://localhost:7071", "localhost", 7070, false),
        "another port: another origin");
    assertFalse(
        h.acceptsOrigin("http://127.0.0.1:7070", "localhost", 7070, false),
        "another host than Host");
    assertFalse(
        h.acceptsOrigin(
            "http://rebind.attacker.example:7070", "rebind.attacker.example", 7070, false));
    // behind a proxy that sends a Host of its own: the browser's origin is a --public-host name
    assertTrue(h.acceptsOrigin("https://portolan.example.com", "127.0.0.1", 7070, false));
    assertFalse(
        h.acceptsOrigin("https://localhost", "127.0.0.1", 7070, false),
        "localhost is no public host");
    assertFalse(h.acceptsOrigin("https://other.example.com", "127.0.0.1", 7070, false));
    for (String bad :
        List.of(
            "null",
            "",
            "file://",
            "localhost:7070",
            "ftp://localhost:7070",
            "http://localhost:7070/x",
            "http://user@localhost:7070",
            "http://localhost:7070?x",
            "http://local host",
            "http://[::1")) {
      assertFalse(h.acceptsOrigin(bad, "localhost", 7070, false), bad);
    }
  }

  @Test
  void publicHostsAreNamesOrAddresses() {
    for (String ok :
        List.of(
            "portolan.example.com",
            "portolan-hub",
            "hub",
            "10.0.0.5",
            "fd00::5",
            "[fd00::5]",
            "portolan-hub.portolan.svc.cluster.local",
            "x1.")) {
      assertTrue(AllowedHosts.validPublicHost(ok), ok);
    }
    for (String no :
        List.of(
            "",
            "*",
            "*.example.com",
            "0.0.0.0",
            "::",
            "a b",
            "http://x",
            "x:7070",
            "-x",
            "x..y",
            "a_b",
            "a/b",
            "x".repeat(64) + ".com")) {
      assertFalse(AllowedHosts.validPublicHost(no), no);
    }
  }
}
