package dev.portolan.scan.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.http.InvalidQueryException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ScanTargetTest {
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "example.com|HOST|example.com",
        "Example.COM.|HOST|example.com",
        "localhost|HOST|localhost",
        "db-1|HOST|db-1",
        "3com.net|HOST|3com.net",
        "xn--bcher-kva.example|HOST|xn--bcher-kva.example",
        "' 10.0.0.1 '|ADDRESS|10.0.0.1",
        "0.0.0.0|ADDRESS|0.0.0.0",
        "255.255.255.255|ADDRESS|255.255.255.255",
        "::1|ADDRESS|::1",
        "[::1]|ADDRESS|::1",
        "FD00:0:0::0001|ADDRESS|fd00::1",
        "::ffff:10.0.0.1|ADDRESS|10.0.0.1",
        "[::ffff:a00:1]|ADDRESS|10.0.0.1",
        "::10.0.0.1|ADDRESS|::10.0.0.1",
        "10.0.0.0/24|CIDR|10.0.0.0/24",
        "10.0.0.7/24|CIDR|10.0.0.0/24",
        "10.0.0.1/32|CIDR|10.0.0.1/32",
        "0.0.0.0/0|CIDR|0.0.0.0/0",
        "fd00::/120|CIDR|fd00::/120",
        "[fd00::]/120|CIDR|fd00::/120",
        "fd00::ff/120|CIDR|fd00::/120",
        "::ffff:10.0.0.0/120|CIDR|10.0.0.0/24",
      })
  void acceptedForms(String input, ScanTarget.Kind kind, String text) {
    ScanTarget t = ScanTarget.parse(input);
    assertEquals(kind, t.kind());
    assertEquals(text, t.text());
    assertEquals(text, t.toString());
    assertEquals(t, new ScanTarget(input));
    if (kind == ScanTarget.Kind.HOST) {
      assertEquals(text, t.host());
      assertNull(t.address());
      assertEquals(-1, t.prefix());
    } else {
      assertNull(t.host());
      int bits = t.address() instanceof Inet4Address ? 32 : 128;
      assertEquals(
          kind == ScanTarget.Kind.ADDRESS
              ? bits
              : Integer.parseInt(text.substring(text.indexOf('/') + 1)),
          t.prefix());
      assertEquals(t.cidr().toString(), kind == ScanTarget.Kind.ADDRESS ? text + "/" + bits : text);
    }
  }

  @Test
  void longestNameAndLabelAreAccepted() {
    String label63 = "a".repeat(63);
    String name253 = label63 + "." + label63 + "." + label63 + "." + "b".repeat(61);
    assertEquals(253, name253.length());
    assertEquals(name253, ScanTarget.parse(name253).text());
    assertEquals(name253, ScanTarget.parse(name253 + ".").text());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "10.0.0.256|'10.0.0.256': octet 256 is out of range: each part of an IPv4 address is a number from 0 to 255",
        "10.0.0|'10.0.0': an IPv4 address has 4 numbers separated by dots, this has 3",
        "10.0.0.1.5|'10.0.0.1.5': an IPv4 address has 4 numbers separated by dots, this has 5",
        "2130706433|'2130706433': an IPv4 address has 4 numbers separated by dots, this has 1",
        "10..0.1|'10..0.1': '' is not an octet: each part of an IPv4 address is a number from 0 to 255",
        "010.0.0.1|'010.0.0.1': octet '010' has a leading zero, which some tools read as octal; write it without",
        "10.0.0.0/33|'10.0.0.0/33': prefix /33 is out of range: an IPv4 prefix runs from 0 to 32",
        "fd00::/129|'fd00::/129': prefix /129 is out of range: an IPv6 prefix runs from 0 to 128",
        "10.0.0.0/|'10.0.0.0/': the prefix length after '/' must be a number from 0 to 32",
        "10.0.0.0/-1|'10.0.0.0/-1': the prefix length after '/' must be a number from 0 to 32",
        "10.0.0.0/0024|'10.0.0.0/0024': the prefix length after '/' must be a number from 0 to 32",
        "10.0.0.0/24/8|'10.0.0.0/24/8': more than one '/'",
        "/24|'/24': no address before the '/'",
        "example.com/24|'example.com/24': a prefix length goes with an IP address (10.0.0.0/24), not a host name",
        "fe80::1%eth0|'fe80::1%eth0': IPv6 zone ids ('%eth0') are not accepted: give a global or unique-local address"
            + " (link-local addresses need a zone and are not scanned)",
        "1::2::3|'1::2::3': not a valid IPv6 address",
        "gggg::1|'gggg::1': 'g' does not belong in an IPv6 address",
        "[10.0.0.1]|'[10.0.0.1]': brackets are for IPv6 addresses",
        "[::1|'[::1': unbalanced brackets",
        "::ffff:10.0.0.0/64|'::ffff:10.0.0.0/64': an IPv4-mapped block (::ffff:a.b.c.d) needs a prefix from /96 to /128",
        "0x7f.1|'0x7f.1': not an IPv4 address, and not a host name either: the last label of a host name cannot be all"
            + " digits",
        "-db.example|'-db.example': the label '-db' starts or ends with '-', which RFC 1123 does not allow",
        "db-.example|'db-.example': the label 'db-' starts or ends with '-', which RFC 1123 does not allow",
        "a..b|'a..b': empty label: a host name has no leading dot and no two dots in a row",
        ".example|'.example': empty label: a host name has no leading dot and no two dots in a row",
        ".|'.': a host name needs at least one label",
        "under_score.example|'under_score.example': '_' is not allowed in a host name (RFC 1123: letters, digits and"
            + " '-')",
        "a b|'a b': spaces are not allowed in a target; give one host name, address or CIDR block",
        "10.0.0.1,10.0.0.2|'10.0.0.1,10.0.0.2': one target at a time: a host name, an address or a CIDR block, not a"
            + " list",
        "host;reboot|'host;reboot': the character ';' does not belong in a host name, address or CIDR block",
      })
  void refusedFormsSayWhy(String input, String detail) {
    InvalidQueryException e =
        assertThrows(InvalidQueryException.class, () -> ScanTarget.parse(input));
    assertEquals("invalid target", e.error());
    assertEquals(detail, e.detail());
  }

  @Test
  void aUrlIsNotATarget() {
    InvalidQueryException e =
        assertThrows(InvalidQueryException.class, () -> ScanTarget.parse("http://example.com"));
    assertEquals("invalid target", e.error());
    assertTrue(e.detail().startsWith("'http://example.com': "), e.detail());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "\t\n"})
  void emptyTargetsAreRefused(String input) {
    InvalidQueryException e =
        assertThrows(InvalidQueryException.class, () -> ScanTarget.parse(input));
    assertEquals(
        "no target given: give a host name, an IPv4 or IPv6 address, or a CIDR block like 10.0.0.0/24",
        e.detail());
    assertEquals(
        "invalid target",
        assertThrows(InvalidQueryException.class, () -> ScanTarget.parse(null)).error());
  }

  @Test
  void overLongLabelsNamesAndOddCharactersAreRefused() {
    String label64 = "a".repeat(64);
    assertEquals(
        "the label 'aaaaaaaaaaaaaaaaaaaa...' is 64 characters long; a label has at most 63",
        afterEcho(
            assertThrows(InvalidQueryException.class, () -> ScanTarget.parse(label64 + ".example"))
                .detail()));
    String name254 =
        "a".repeat(63) + "." + "a".repeat(63) + "." + "a".repeat(63) + "." + "a".repeat(62);
    assertEquals(
        "the target is 254 characters long; at most 253",
        assertThrows(InvalidQueryException.class, () -> ScanTarget.parse(name254)).detail());
    assertEquals(
        "the target is 5000 characters long; at most 253",
        assertThrows(InvalidQueryException.class, () -> ScanTarget.parse("1".repeat(5000)))
            .detail());
    assertEquals(
        "'bad?': the character U+0000 (a control character) does not belong in a host name, address or"
            + " CIDR block",
        assertThrows(InvalidQueryException.class, () -> ScanTarget.parse("bad\u0000")).detail());
    assertTrue(
        assertThrows(InvalidQueryException.class, () -> ScanTarget.parse("bücher.example"))
            .detail()
            .contains("U+00FC ('ü'); internationalized names must be given in their xn-- form"));
    assertTrue(
        assertThrows(InvalidQueryException.class, () -> ScanTarget.parse("a\u00a0b"))
            .detail()
            .contains("spaces are not allowed"));
  }

  @Test
  void mappedAddressesBecomeIpv4AndCompatibleOnesStayIpv6() {
    assertInstanceOf(Inet4Address.class, ScanTarget.parse("::ffff:127.0.0.1").address());
    assertEquals(32, ScanTarget.parse("::ffff:127.0.0.1").prefix());
    assertInstanceOf(Inet6Address.class, ScanTarget.parse("::127.0.0.1").address());
    assertEquals(24, ScanTarget.parse("::ffff:10.0.0.0/120").prefix());
  }

  @Test
  void blocksExpandInOrderWithNetworkAndBroadcast() throws Exception {
    assertEquals(
        List.of(ip("10.0.0.252"), ip("10.0.0.253"), ip("10.0.0.254"), ip("10.0.0.255")),
        ScanTarget.parse("10.0.0.254/30").addresses(4));
    assertEquals(
        List.of(ip("10.0.0.254"), ip("10.0.0.255")),
        ScanTarget.parse("10.0.0.255/31").addresses(2));
    List<InetAddress> carry = ScanTarget.parse("10.0.0.9/23").addresses(512);
    assertEquals(
        List.of(ip("10.0.0.0"), ip("10.0.0.255"), ip("10.0.1.0"), ip("10.0.1.255")),
        List.of(carry.getFirst(), carry.get(255), carry.get(256), carry.getLast()));
    assertEquals(ip("fd00::1:0"), ScanTarget.parse("fd00::/111").addresses(1 << 17).get(1 << 16));
    assertEquals(
        List.of(ip("fd00::"), ip("fd00::1"), ip("fd00::2"), ip("fd00::3")),
        ScanTarget.parse("fd00::/126").addresses(10));
    assertEquals(List.of(ip("10.0.0.1")), ScanTarget.parse("10.0.0.1").addresses(1));
    assertEquals(256, ScanTarget.parse("192.0.2.0/24").addresses(256).size());
    assertEquals(ip("192.0.2.255"), ScanTarget.parse("192.0.2.0/24").addresses(256).getLast());
  }

  @Test
  void largeBlocksAreCountedNotBuilt() {
    assertTimeoutPreemptively(
        Duration.ofSeconds(2),
        () -> {
          assertEquals(1L << 24, ScanTarget.parse("10.0.0.0/8").addressCount());
          assertEquals(1L << 32, ScanTarget.parse("0.0.0.0/0").addressCount());
          assertEquals(Long.MAX_VALUE, ScanTarget.parse("fd00::/64").addressCount());
          assertEquals(1L << 62, ScanTarget.parse("fd00::/66").addressCount());
          IllegalArgumentException e =
              assertThrows(
                  IllegalArgumentException.class,
                  () -> ScanTarget.parse("10.0.0.0/8").addresses(256));
          assertEquals("10.0.0.0/8 holds 16777216 addresses, more than 256", e.getMessage());
          assertThrows(
              IllegalArgumentException.class, () -> ScanTarget.parse("::/0").addresses(65536));
        });
    assertEquals(1, ScanTarget.parse("example.com").addressCount());
    assertEquals(1, ScanTarget.parse("::1").addressCount());
    assertThrows(IllegalStateException.class, () -> ScanTarget.parse("example.com").addresses(10));
  }

  @Test
  void handBuiltTargetsAreCheckedToo() throws Exception {
    assertEquals(
        "10.0.0.0/24", new ScanTarget("x", ScanTarget.Kind.CIDR, ip("10.0.0.9"), 24).text());
    assertThrows(
        IllegalArgumentException.class,
        () -> new ScanTarget("x", ScanTarget.Kind.CIDR, ip("10.0.0.9"), 33));
    assertThrows(
        IllegalArgumentException.class,
        () -> new ScanTarget("x", ScanTarget.Kind.ADDRESS, ip("10.0.0.9"), 8));
    assertThrows(
        InvalidQueryException.class, () -> new ScanTarget("a b", ScanTarget.Kind.HOST, null, -1));
    assertEquals("db.example", new ScanTarget("DB.example", ScanTarget.Kind.HOST, null, -1).text());
  }

  /** The detail after the echoed input ("'...': "). */
  private static String afterEcho(String detail) {
    return detail.substring(detail.indexOf("': ") + 3);
  }

  private static InetAddress ip(String literal) {
    return InetAddress.ofLiteral(literal);
  }
}
