package dev.portolan.scan.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.net.Inet6Address;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class CidrTest {
  @Test
  void blocksContainWhatTheirPrefixCovers() {
    Cidr ten = Cidr.parse("10.0.0.0/8");
    assertTrue(ten.contains(ip("10.255.255.255")));
    assertTrue(ten.contains(ip("10.0.0.0")));
    assertFalse(ten.contains(ip("11.0.0.0")));
    assertFalse(ten.contains(ip("::a00:1")), "IPv4-compatible IPv6 is IPv6");
    Cidr odd = Cidr.parse("192.0.2.64/27");
    assertTrue(odd.contains(ip("192.0.2.95")));
    assertFalse(odd.contains(ip("192.0.2.96")));
    assertFalse(odd.contains(ip("192.0.2.63")));
    Cidr v6 = Cidr.parse("fd00::/63");
    assertTrue(v6.contains(ip("fd00:0:0:1::1")));
    assertFalse(v6.contains(ip("fd00:0:0:2::")));
    assertFalse(v6.contains(ip("10.0.0.1")));
    assertTrue(Cidr.parse("0.0.0.0/0").contains(ip("203.0.113.1")));
    assertTrue(Cidr.parse("::/0").contains(ip("2001:db8::1")));
    assertFalse(Cidr.parse("::/0").contains(ip("203.0.113.1")), "IPv4 is not in ::/0");
  }

  @Test
  void mappedAddressesAndBlocksAreIpv4() throws Exception {
    byte[] mapped = new byte[16];
    mapped[10] = (byte) 0xff;
    mapped[11] = (byte) 0xff;
    mapped[12] = 10;
    mapped[15] = 7;
    InetAddress m = Inet6Address.getByAddress(null, mapped, -1);
    assertTrue(Cidr.parse("10.0.0.0/24").contains(m));
    assertEquals(Cidr.parse("10.0.0.0/24"), Cidr.parse("::ffff:10.0.0.0/120"));
    assertEquals(Cidr.parse("10.0.0.7/32"), new Cidr(m, 32));
  }

  @Test
  void textSizeAndNormalForm() {
    assertEquals("10.0.0.0/24", Cidr.parse(" 10.0.0.99/24 ").toString());
    assertEquals("fd00::/64", Cidr.parse("[FD00:0::1]/64").toString());
    assertEquals("::1/128", Cidr.LOOPBACK_V6.toString());
    assertEquals("127.0.0.0/8", Cidr.LOOPBACK_V4.toString());
    assertEquals(BigInteger.valueOf(256), Cidr.parse("10.0.0.0/24").size());
    assertEquals(BigInteger.ONE.shiftLeft(64), Cidr.parse("fd00::/64").size());
    assertEquals(BigInteger.ONE, Cidr.parse("10.0.0.1").size());
  }

  @Test
  void badTextIsOneLineWithTheInput() {
    assertEquals(
        "invalid address or CIDR '10.0.0.0/33': prefix /33 is out of range: an IPv4 prefix runs from 0 to"
            + " 32",
        assertThrows(IllegalArgumentException.class, () -> Cidr.parse("10.0.0.0/33")).getMessage());
    assertEquals(
        "invalid address or CIDR 'a b': give an address like 10.0.0.1 or a block like 10.0.0.0/24",
        assertThrows(IllegalArgumentException.class, () -> Cidr.parse("a b")).getMessage());
    assertEquals(
        "invalid address or CIDR '': give an address like 10.0.0.1 or a block like 10.0.0.0/24",
        assertThrows(IllegalArgumentException.class, () -> Cidr.parse(null)).getMessage());
    assertThrows(IllegalArgumentException.class, () -> new Cidr(ip("10.0.0.0"), 40));
    assertThrows(IllegalArgumentException.class, () -> new Cidr(ip("10.0.0.0"), -1));
  }

  private static InetAddress ip(String literal) {
    return InetAddress.ofLiteral(literal);
  }
}
