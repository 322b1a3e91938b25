package dev.portolan.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.http.InvalidQueryException;
import dev.portolan.socket.Family;
import dev.portolan.socket.Protocol;
import dev.portolan.socket.SocketEntry;
import dev.portolan.socket.SocketState;
import dev.portolan.socket.UnixType;
import org.junit.jupiter.api.Test;

/**
 * How the search box reads its text: port, protocol and port, address, block, start of an address,
 * or text.
 */
class SearchQueryTest {
  private static SocketEntry socket(String local, String remote) {
    return SocketEntry.inet(
        Protocol.TCP,
        local.contains(":") ? Family.IPV6 : Family.IPV4,
        local,
        1,
        remote,
        2,
        SocketState.ESTABLISHED,
        0,
        0,
        0,
        1);
  }

  @Test
  void aNumberIsAPortLocalOrRemote() {
    SearchQuery q = SearchQuery.parse(" 5432 ");
    assertEquals(5432, q.filter().port());
    assertNull(q.filter().protocols());
    assertNull(q.address());
    assertEquals("port 5432, local or remote", q.meaning());
  }

  @Test
  void protoSlashPortNarrowsToThatProtocol() {
    SearchQuery q = SearchQuery.parse("UDP/53");
    assertEquals(53, q.filter().port());
    assertEquals(Protocol.UDP, q.filter().protocols().iterator().next().proto());
    assertEquals(22, SearchQuery.parse("tcp:22").filter().port());
  }

  @Test
  void aPortOutOfRangeOrNotANumberIsAnError() {
    for (String junk : new String[] {"tcp/99999", "99999", "tcp/abc", "udp/", "tcp/-1"}) {
      InvalidQueryException e =
          assertThrows(InvalidQueryException.class, () -> SearchQuery.parse(junk), junk);
      assertTrue(e.detail().contains("is not a port") && e.detail().contains("65535"), e.detail());
    }
  }

  @Test
  void anAddressMatchesExactlyLocalOrRemoteAndMappedAddressesToo() {
    SearchQuery q = SearchQuery.parse("10.0.0.7");
    assertEquals("10.0.0.7", q.filter().text(), "the API's text filter narrows the candidates");
    assertTrue(q.address().matches(socket("10.0.0.7", "0.0.0.0")));
    assertTrue(q.address().matches(socket("::ffff:10.0.0.7", "::")));
    assertTrue(q.address().matches(socket("192.0.2.1", "10.0.0.7")));
    assertFalse(q.address().matches(socket("10.0.0.70", "110.0.0.7")), "contains is not equals");
    assertFalse(
        q.address()
            .matches(
                SocketEntry.unix(UnixType.STREAM, SocketState.LISTEN, "/run/10.0.0.7", 1, 0, 0, 0)),
        "unix sockets have no address");
  }

  @Test
  void aBlockMatchesItsAddressesAndNarrowsByItsWholeOctets() {
    SearchQuery q = SearchQuery.parse("10.1.0.0/16");
    assertEquals("10.1.", q.filter().text());
    assertTrue(q.address().matches(socket("10.1.200.3", "0.0.0.0")));
    assertFalse(q.address().matches(socket("110.1.2.3", "10.2.0.1")));
    assertNull(SearchQuery.parse("0.0.0.0/0").filter().text(), "nothing to narrow by");
    SearchQuery v6 = SearchQuery.parse("fd00::/64");
    assertEquals("fd00:", v6.filter().text());
    assertTrue(v6.address().matches(socket("fd00::12", "::")));
    assertFalse(v6.address().matches(socket("fd00:0:0:1::12", "::")));
    assertEquals("addresses in fd00::/64, local or remote", v6.meaning());
  }

  @Test
  void theStartOfAnAddressMatchesAddressesThatStartSo() {
    SearchQuery q = SearchQuery.parse("192.168.");
    assertTrue(q.address().matches(socket("192.168.1.9", "0.0.0.0")));
    assertTrue(q.address().matches(socket("::ffff:192.168.1.9", "::")));
    assertFalse(q.address().matches(socket("10.192.168.1", "0.0.0.0")));
    assertTrue(SearchQuery.parse("10.0.0.1*").address().matches(socket("10.0.0.17", "0.0.0.0")));
    assertTrue(SearchQuery.parse("fd00:1:").address().matches(socket("fd00:1::5", "::")));
  }

  @Test
  void anAddressThatCannotBeIsAnErrorSayingWhy() {
    assertTrue(
        assertThrows(InvalidQueryException.class, () -> SearchQuery.parse("10.0.0.0/33"))
            .detail()
            .contains("out of range"));
    assertTrue(
        assertThrows(InvalidQueryException.class, () -> SearchQuery.parse("10.0.0.300"))
            .detail()
            .contains("0 to 255"));
    assertTrue(
        assertThrows(InvalidQueryException.class, () -> SearchQuery.parse("300.1."))
            .detail()
            .contains("0 to 255"));
    assertThrows(InvalidQueryException.class, () -> SearchQuery.parse("1.2.3.4.5"));
    assertThrows(InvalidQueryException.class, () -> SearchQuery.parse("fd00::1::2/64"));
  }

  @Test
  void anythingElseIsTextForProcessesCommandLinesUsersAddressesAndPaths() {
    for (String text :
        new String[] {
          "nginx", "postgres: writer", "user/1000", "12:30:45", "aa:bb:cc:dd:ee:ff", "python3.11"
        }) {
      SearchQuery q = SearchQuery.parse(text);
      assertNull(q.address(), text);
      assertEquals(text.toLowerCase(java.util.Locale.ROOT), q.filter().text(), text);
    }
    assertNull(SearchQuery.parse("  "), "blank: nothing asked");
    assertThrows(InvalidQueryException.class, () -> SearchQuery.parse("x".repeat(201)));
  }
}
