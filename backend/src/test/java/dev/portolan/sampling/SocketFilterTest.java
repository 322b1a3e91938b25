package dev.portolan.sampling;

import static dev.portolan.sampling.Rows.listener;
import static dev.portolan.sampling.Rows.process;
import static dev.portolan.sampling.Rows.tcp;
import static dev.portolan.sampling.Rows.udp;
import static dev.portolan.sampling.Rows.unix;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.http.InvalidQueryException;
import dev.portolan.owner.Owner;
import dev.portolan.socket.SocketState;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SocketFilterTest {
  private final Owner pg = Owner.of(process(4321, "postgres"));
  private final OwnedSocket pgListen = listener(5432, 1, pg);
  private final OwnedSocket pgConn =
      tcp("10.0.0.1", 5432, "10.0.0.9", 40000, SocketState.ESTABLISHED, 2, pg);
  private final OwnedSocket v6 = tcp("::1", 8080, "::", 0, SocketState.LISTEN, 3, Owner.UNKNOWN);
  private final OwnedSocket dns = udp("127.0.0.53", 53, 4, Owner.PERMISSION_DENIED);
  private final OwnedSocket sock = unix("/run/app.sock", 5, pg);
  private final OwnedSocket tw =
      tcp("10.0.0.1", 5432, "10.0.0.8", 40001, SocketState.TIME_WAIT, 0, Owner.KERNEL);
  private final List<OwnedSocket> all = List.of(pgListen, pgConn, v6, dns, sock, tw);

  private List<OwnedSocket> select(Map<String, List<String>> params) {
    SocketFilter f = SocketFilter.parse(params);
    return all.stream().filter(r -> f.matches("n1", r)).toList();
  }

  @Test
  void emptyFilterMatchesEverything() {
    assertEquals(all, select(Map.of()));
  }

  @Test
  void protocolsAndFamilies() {
    assertEquals(List.of(pgListen, pgConn, v6, tw), select(Map.of("proto", List.of("tcp"))));
    assertEquals(List.of(v6), select(Map.of("proto", List.of("tcp6"))));
    assertEquals(List.of(dns, sock), select(Map.of("proto", List.of("udp, unix"))));
    assertEquals(List.of(v6), select(Map.of("proto", List.of("inet6"))));
  }

  @Test
  void statesListeningPortsPidAndText() {
    assertEquals(List.of(pgListen, v6, sock), select(Map.of("state", List.of("listen"))));
    assertEquals(List.of(pgConn, tw), select(Map.of("state", List.of("established,TIME_WAIT"))));
    assertEquals(List.of(pgListen, v6, dns, sock), select(Map.of("listening", List.of("true"))));
    assertEquals(List.of(pgConn, tw), select(Map.of("listening", List.of("false"))));
    assertEquals(List.of(pgListen, pgConn, tw), select(Map.of("port", List.of("5432"))));
    assertEquals(List.of(pgConn), select(Map.of("remote-port", List.of("40000"))));
    assertEquals(List.of(pgListen, pgConn, sock), select(Map.of("pid", List.of("4321"))));
    assertEquals(List.of(pgListen, pgConn, sock), select(Map.of("q", List.of("POSTGRES"))));
    assertEquals(List.of(sock), select(Map.of("q", List.of("app.sock"))));
    assertEquals(List.of(dns), select(Map.of("q", List.of("127.0.0.53:53"))));
  }

  @Test
  void nodeFilter() {
    assertEquals(List.of(), select(Map.of("node", List.of("elsewhere"))));
    assertEquals(all, select(Map.of("node", List.of("n1"))));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "port|70000|invalid port",
        "port|abc|invalid port",
        "port|-1|invalid port",
        "local-port|99999999999999|invalid local-port",
        "proto|sctp|invalid proto",
        "state|sleeping|invalid state",
        "pid|-5|invalid pid",
        "pid|0|invalid pid",
        "pid|12a|invalid pid",
        "listening|maybe|invalid listening",
      })
  void badValuesAreClearErrors(String name, String value, String error) {
    InvalidQueryException e =
        assertThrows(
            InvalidQueryException.class, () -> SocketFilter.parse(Map.of(name, List.of(value))));
    assertEquals(error, e.error());
    assertTrue(
        e.detail().contains(value.length() > 12 ? value.substring(0, 12) : value), e.detail());
  }

  @Test
  void repeatedAndUnknownParametersAreRejected() {
    assertThrows(
        InvalidQueryException.class, () -> SocketFilter.parse(Map.of("port", List.of("1", "2"))));
    InvalidQueryException e =
        assertThrows(
            InvalidQueryException.class,
            () -> SocketFilter.rejectUnknown(Map.of("prot", List.of("tcp")), Set.of("limit")));
    assertEquals("unknown parameter", e.error());
    assertTrue(e.detail().contains("'prot'"));
    SocketFilter.rejectUnknown(
        Map.of("proto", List.of("tcp"), "limit", List.of("5")), Set.of("limit"));
  }

  @Test
  void errorEchoesAreShortAndFreeOfControlCharacters() {
    InvalidQueryException e =
        assertThrows(
            InvalidQueryException.class,
            () -> SocketFilter.parse(Map.of("proto", List.of("x\n".repeat(100)))));
    assertFalse(e.detail().contains("\n"));
    assertTrue(e.detail().length() < 300, e.detail());
  }
}
