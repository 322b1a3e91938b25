package dev.portolan.socket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AddressTextTest {

  /**
   * The address given as 32 hex digits, network order, so no resolver or Inet4Address mapping gets
   * involved.
   */
  private static String ipv6(String hex32) {
    return AddressText.of(HexFormat.of().parseHex(hex32));
  }

  @ParameterizedTest
  @CsvSource({
    "00000000000000000000000000000000, ::",
    "00000000000000000000000000000001, ::1",
    "fe800000000000000000000000000001, fe80::1",
    "20010db8000000000001000000000001, 2001:db8::1:0:0:1",
    "20010db8000000000001000000000001, 2001:db8::1:0:0:1",
    "20010db8000000010000000000000001, 2001:db8:0:1::1",
    "20010db8000100000000000100000001, 2001:db8:1::1:0:1",
    "20010db8000000010001000100010001, 2001:db8:0:1:1:1:1:1",
    "20010db8000000000000000000000000, 2001:db8::",
    "00010000000000000000000000000000, 1::",
    "0000000000000000000000000000ffff, ::ffff",
    "ffffffffffffffffffffffffffffffff, ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
    "fe80000000000000abcdef0123456789, fe80::abcd:ef01:2345:6789",
    "00000000000000000000ffff7f000001, ::ffff:127.0.0.1",
    "00000000000000000000ffff0a0000fe, ::ffff:10.0.0.254",
    "00000000000000000000ffff00000000, ::ffff:0.0.0.0",
    "00000000000000000000000001020304, ::1.2.3.4",
    "0064ff9b0000000000000000c0000201, 64:ff9b::c000:201",
    "00000000000000000001ffff7f000001, ::1:ffff:7f00:1",
  })
  void formatsIpv6AsSsDoes(String hex, String expected) {
    assertEquals(expected, ipv6(hex));
  }

  @Test
  void compressesTheLongestZeroRunAndTheFirstOnTies() {
    assertEquals("2001:db8::1:0:0:1", ipv6("20010db8000000000001000000000001"));
    assertEquals("2001:0:0:1::1", ipv6("20010000000000010000000000000001"));
    assertEquals("1::1:0:0:1", ipv6("00010000000000000001000000000001"));
    // a single zero group is written 0, never ::
    assertEquals("2001:db8:0:1:1:1:1:1", ipv6("20010db8000000010001000100010001"));
    assertEquals("1:0:1:0:1:0:1:0", ipv6("00010000000100000001000000010000"));
  }

  @ParameterizedTest
  @CsvSource({
    "00000000, 0.0.0.0",
    "7f000001, 127.0.0.1",
    "0a000005, 10.0.0.5",
    "c0a864c8, 192.168.100.200",
    "ffffffff, 255.255.255.255",
    "01020304, 1.2.3.4",
  })
  void formatsIpv4(String hex, String expected) {
    assertEquals(expected, AddressText.ipv4(HexFormat.fromHexDigits(hex)));
    assertEquals(expected, AddressText.of(HexFormat.of().parseHex(hex)));
  }

  @Test
  void rejectsOtherLengths() {
    assertThrows(IllegalArgumentException.class, () -> AddressText.of(new byte[5]));
  }

  @Test
  void cacheReturnsTheSameStringForTheSameAddress() {
    TextCache cache = new TextCache();
    String first = cache.ipv4(0x7f000001);
    assertEquals("127.0.0.1", first);
    assertSame(first, cache.ipv4(0x7f000001));
    String v6 = cache.ipv6(0x20010db800000000L, 0x0001000000000001L);
    assertEquals("2001:db8::1:0:0:1", v6);
    assertSame(v6, cache.ipv6(0x20010db800000000L, 0x0001000000000001L));
    byte[] path = "xx/run/a.sock".getBytes();
    String p = cache.path(path, 2, path.length - 2);
    assertEquals("/run/a.sock", p);
    assertSame(p, cache.path("/run/a.sock".getBytes(), 0, 11));
  }

  @Test
  void cacheKeepsAnAddressUsedOnEveryLineWhileManyOthersPass() {
    TextCache cache = new TextCache();
    String local = cache.ipv4(0x0a000005);
    String localV6 = cache.ipv6(0x20010db800000000L, 5);
    String path = cache.path("/run/a.sock".getBytes(), 0, 11);
    for (int i = 0; i < 100_000; i++) {
      assertSame(local, cache.ipv4(0x0a000005));
      cache.ipv4(0xc0a80000 | i);
      assertSame(localV6, cache.ipv6(0x20010db800000000L, 5));
      cache.ipv6(0x20010db800000001L, i);
      assertSame(path, cache.path("/run/a.sock".getBytes(), 0, 11));
      byte[] other = ("/tmp/" + i).getBytes();
      cache.path(other, 0, other.length);
    }
  }

  @Test
  void cacheNeverConfusesAddressesSharingASlot() {
    TextCache cache = new TextCache();
    for (int i = 0; i < 100_000; i++) {
      int address = 0x0a000000 | i;
      assertEquals(AddressText.ipv4(address), cache.ipv4(address));
    }
    for (int i = 0; i < 100_000; i++) {
      assertEquals(AddressText.ipv6(0x20010db800000000L, i), cache.ipv6(0x20010db800000000L, i));
      assertEquals(AddressText.ipv6(i, 1), cache.ipv6(i, 1));
      byte[] path = ("/run/" + i).getBytes();
      assertEquals("/run/" + i, cache.path(path, 0, path.length));
    }
  }
}
