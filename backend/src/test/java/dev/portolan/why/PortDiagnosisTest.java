package dev.portolan.why;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.bus.WhyReply;
import dev.portolan.netns.NamespaceLabel;
import dev.portolan.netns.SocketNamespace;
import dev.portolan.owner.Owner;
import dev.portolan.owner.ProcessInfo;
import dev.portolan.sampling.OwnedSocket;
import dev.portolan.socket.Family;
import dev.portolan.socket.Protocol;
import dev.portolan.socket.SocketEntry;
import dev.portolan.socket.SocketState;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code why port} from a table (every namespace), and the answer's JSON; the address rules of a
 * bind.
 */
class PortDiagnosisTest {
  private static final PortSettings SETTINGS = new PortSettings(1024, 32768, 60999);
  private static final Owner PG =
      Owner.of(new ProcessInfo(812, "postgres", 106, "postgres", "postgres -D x", null, null, 1));
  private static final Owner WEB =
      Owner.of(new ProcessInfo(900, "nginx", 0, "root", "nginx", null, null, 2));

  private static OwnedSocket row(
      String local, int port, String remote, int rport, SocketState state, Owner o, long netns) {
    SocketEntry e =
        SocketEntry.inet(Protocol.TCP, Family.IPV4, local, port, remote, rport, state, 0, 0, 0, 1)
            .inNamespace(netns);
    SocketNamespace ns =
        netns == 0
            ? null
            : new SocketNamespace(
                netns,
                new NamespaceLabel(
                    NamespaceLabel.Kind.CONTAINER, null, "abc", "web", null, null, null, null));
    return new OwnedSocket(e, o, ns);
  }

  @Test
  void listenersInEveryNamespaceConnectionsAndExposure() {
    List<OwnedSocket> rows =
        List.of(
            row("127.0.0.1", 5432, "0.0.0.0", 0, SocketState.LISTEN, PG, 0),
            row("127.0.0.1", 5432, "127.0.0.1", 40000, SocketState.ESTABLISHED, PG, 0),
            row("127.0.0.1", 5432, "127.0.0.1", 40001, SocketState.TIME_WAIT, Owner.KERNEL, 0),
            row("0.0.0.0", 5432, "0.0.0.0", 0, SocketState.LISTEN, WEB, 4026532713L));

    WhyAnswer a = PortDiagnosis.answer("db1", Protocol.TCP, 5432, "postgresql", rows, SETTINGS);

    assertEquals("loopback-only", a.verdict(), a.sentence());
    assertFalse(a.problem());
    assertTrue(a.sentence().contains("postgres (pid 812, user postgres)"), a.sentence());
    assertTrue(
        a.findings().stream()
            .anyMatch(f -> f.sentence().startsWith("In the container web namespace, nginx")),
        a.findings().toString());
    assertTrue(
        a.findings().stream().anyMatch(f -> f.sentence().contains("1 ESTAB, 1 TIME-WAIT")),
        a.findings().toString());
    assertEquals(
        "container web",
        a.evidence().stream().filter(e -> e.pid() == 900).findFirst().orElseThrow().namespace());

    assertEquals(a, WhyReply.fromJson(new WhyReply(a).toJson()).answer());
  }

  @Test
  void nothingInTheOwnNamespaceIsNotListening() {
    WhyAnswer a =
        PortDiagnosis.answer(
            "db1",
            Protocol.TCP,
            80,
            "http",
            List.of(row("0.0.0.0", 80, "0.0.0.0", 0, SocketState.LISTEN, WEB, 4026532713L)),
            SETTINGS);

    assertEquals("not-listening", a.verdict());
    assertTrue(a.sentence().endsWith("it listens in other namespaces only."), a.sentence());
    assertTrue(a.findings().stream().anyMatch(f -> f.code().equals("privileged")));
  }

  @Test
  void aBindOverlapsTheSameAddressAndWildcardsOfItsFamily() {
    assertTrue(AddressMatch.overlap(null, "127.0.0.1"));
    assertTrue(AddressMatch.overlap("127.0.0.1", "0.0.0.0"));
    assertTrue(AddressMatch.overlap("127.0.0.1", "::"));
    assertTrue(AddressMatch.overlap("10.0.0.1", "::ffff:10.0.0.1"));
    assertTrue(AddressMatch.overlap("0.0.0.0", "10.0.0.1"));
    assertFalse(AddressMatch.overlap("0.0.0.0", "::1"));
    assertFalse(AddressMatch.overlap("::1", "0.0.0.0"));
    assertFalse(AddressMatch.overlap("127.0.0.2", "127.0.0.1"));
  }
}
