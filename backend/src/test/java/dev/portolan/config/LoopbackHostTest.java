package dev.portolan.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.access.HttpAccess;
import dev.portolan.access.LoopbackHost;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Whether a cluster host or bind address is loopback is decided on the addresses it resolves to,
 * not on its spelling: a name under {@code .localhost} may resolve anywhere (or nowhere).
 */
class LoopbackHostTest {
  /**
   * A name no /etc/hosts on a test machine has (checked), under the {@code .localhost} top-level
   * domain.
   */
  private static final String UNLISTED = "portolan-bus.localhost";

  private static Map<String, Object> settings(Object... keyValues) {
    Map<String, Object> m = new HashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      m.put((String) keyValues[i], keyValues[i + 1]);
    }
    return m;
  }

  private static void assumeUnresolved(String name) {
    try {
      InetAddress[] found = InetAddress.getAllByName(name);
      Assumptions.abort(
          name
              + " resolves on this machine (to "
              + java.util.Arrays.toString(found)
              + "): the test needs a name that does not");
    } catch (UnknownHostException expected) {
      // as the test needs
    }
  }

  @Test
  void aDotLocalhostNameThatDoesNotResolveIsNoLoopbackClusterHost() {
    assumeUnresolved(UNLISTED);
    String message =
        assertThrows(
                PortolanConfig.InvalidConfigException.class,
                () -> PortolanConfig.from(settings("role", "hub", "clusterHost", UNLISTED), "n"))
            .getMessage();
    assertTrue(
        message.startsWith(
            "the cluster host " + UNLISTED + " is not loopback and the event bus has no TLS"),
        message);
    assertNull(
        PortolanConfig.from(
                settings("role", "hub", "clusterHost", UNLISTED, "insecure", "true"), "n")
            .cluster()
            .busTls(),
        "--insecure: plaintext, as asked");
  }

  @Test
  void aDotLocalhostNameThatDoesNotResolveIsNoLoopbackBind() {
    assumeUnresolved(UNLISTED);
    assertThrows(
        PortolanConfig.InvalidConfigException.class,
        () -> PortolanConfig.from(settings("bind", UNLISTED), "n"));
    assertFalse(HttpAccess.isLoopback(UNLISTED));
  }

  @Test
  void aNameIsLoopbackOnlyWhenEveryAddressItResolvesToIs() throws Exception {
    InetAddress lo = InetAddress.getByName("127.0.0.1");
    InetAddress lo6 = InetAddress.getByName("::1");
    InetAddress away = InetAddress.getByName("10.0.0.5");
    Map<String, InetAddress[]> names =
        Map.of(
            "both.localhost",
            new InetAddress[] {lo, lo6},
            "mixed.localhost",
            new InetAddress[] {lo, away},
            "away.localhost",
            new InetAddress[] {away});
    LoopbackHost.Resolver resolver =
        name -> {
          InetAddress[] a = names.get(name);
          if (a == null) {
            throw new UnknownHostException(name);
          }
          return a;
        };
    assertTrue(LoopbackHost.isLoopback("both.localhost", resolver));
    assertFalse(
        LoopbackHost.isLoopback("mixed.localhost", resolver),
        "one address beyond loopback is enough");
    assertFalse(LoopbackHost.isLoopback("away.localhost", resolver));
    assertFalse(
        LoopbackHost.isLoopback("nowhere.localhost", resolver),
        "a name that does not resolve is not loopback");
    for (String literal :
        new String[] {"127.0.0.1", "127.1.2.3", "::1", "[::1]", "0:0:0:0:0:0:0:1"}) {
      assertTrue(LoopbackHost.isLoopback(literal, resolver), literal);
    }
    for (String literal : new String[] {"10.0.0.5", "0.0.0.0", "::", "fe80::1", "[fe80::1]"}) {
      assertFalse(LoopbackHost.isLoopback(literal, resolver), literal);
    }
  }

  @Test
  void localhostStillCountsWhereItResolvesToLoopback() throws Exception {
    boolean loopback =
        java.util.Arrays.stream(InetAddress.getAllByName("localhost"))
            .allMatch(InetAddress::isLoopbackAddress);
    Assumptions.assumeTrue(loopback, "this machine's localhost resolves beyond loopback");
    assertTrue(ClusterSettings.isLoopback("localhost"));
    assertTrue(HttpAccess.isLoopback("localhost"));
    assertEquals(
        "localhost",
        PortolanConfig.from(settings("role", "hub", "clusterHost", "localhost"), "n")
            .cluster()
            .host());
    assertEquals(
        "localhost:7071",
        PortolanConfig.from(settings("role", "agent", "hub", "localhost"), "n")
            .bridge()
            .hubs()
            .getFirst()
            .toString(),
        "a hub on localhost may be reached in plaintext");
  }
}
