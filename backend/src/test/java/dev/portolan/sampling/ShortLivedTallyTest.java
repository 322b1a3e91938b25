package dev.portolan.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.portolan.owner.Owner;
import dev.portolan.owner.ProcessInfo;
import dev.portolan.sampling.ShortLivedTally.Direction;
import dev.portolan.sampling.ShortLivedTally.Group;
import dev.portolan.socket.Family;
import dev.portolan.socket.Protocol;
import dev.portolan.socket.SocketEntry;
import dev.portolan.socket.SocketState;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Short-lived sockets counted by where they went. */
class ShortLivedTallyTest {
  private static final long NOW = 1_800_000_000_000L;
  private static final Owner NGINX =
      Owner.of(new ProcessInfo(7, "nginx", 0, "root", "nginx", null, null, 1));
  private long seq;

  private SocketChange shortLived(
      Protocol proto,
      String local,
      int localPort,
      String remote,
      int remotePort,
      long at,
      Owner owner,
      String ownerFrom) {
    SocketEntry e =
        SocketEntry.inet(
            proto,
            local.contains(":") ? Family.IPV6 : Family.IPV4,
            local,
            localPort,
            remote,
            remotePort,
            SocketState.CLOSE,
            0,
            0,
            -1,
            0);
    return new SocketChange(
        ChangeKind.SHORT_LIVED,
        "n1",
        ++seq,
        at,
        new OwnedSocket(e, owner, null),
        null,
        null,
        new SocketChange.ShortLived(at - 5, ownerFrom));
  }

  @Test
  void dnsLookupsToOneResolverAreOneGroupCountedWithTheirLastTime() {
    List<SocketChange> changes = new ArrayList<>();
    for (int i = 0; i < 42; i++) {
      changes.add(
          shortLived(
              Protocol.UDP,
              "10.0.0.5",
              40_000 + i,
              "10.255.255.53",
              53,
              NOW - 1000 * i,
              Owner.UNKNOWN,
              null));
    }
    changes.add(
        shortLived(Protocol.TCP, "10.0.0.5", 50_000, "2001:db8::1", 443, NOW, Owner.UNKNOWN, null));
    List<Group> groups = ShortLivedTally.of(changes, NOW - 60_000);
    assertEquals(2, groups.size(), groups.toString());
    Group dns = groups.get(0);
    assertEquals(42, dns.count());
    assertEquals(Protocol.UDP, dns.proto());
    assertEquals(Direction.TO, dns.direction());
    assertEquals("10.255.255.53:53", dns.endpoint());
    assertEquals(NOW, dns.lastMillis());
    assertNull(dns.owner());
    assertEquals("[2001:db8::1]:443", groups.get(1).endpoint());
  }

  @Test
  void connectionsAcceptedByAListenerCountOnItsPortWithItsOwner() {
    List<SocketChange> changes =
        List.of(
            shortLived(
                Protocol.TCP, "127.0.0.1", 8080, "127.0.0.1", 51_000, NOW, NGINX, "listener"),
            shortLived(
                Protocol.TCP, "127.0.0.1", 8080, "127.0.0.1", 51_002, NOW, NGINX, "listener"),
            shortLived(Protocol.UDP, "0.0.0.0", 5353, "0.0.0.0", 0, NOW, Owner.UNKNOWN, null));
    List<Group> groups = ShortLivedTally.of(changes, NOW - 60_000);
    assertEquals(
        List.of("on 127.0.0.1:8080 x2 nginx", "on 0.0.0.0:5353 x1 null"),
        groups.stream()
            .map(
                g ->
                    g.direction().name().toLowerCase()
                        + " "
                        + g.endpoint()
                        + " x"
                        + g.count()
                        + " "
                        + g.owner())
            .toList());
  }

  @Test
  void onlyShortLivedChangesOfTheWindowCount() {
    SocketChange old =
        shortLived(
            Protocol.UDP, "10.0.0.5", 40_000, "10.0.0.53", 53, NOW - 61_000, Owner.UNKNOWN, null);
    SocketEntry e =
        SocketEntry.inet(
            Protocol.UDP,
            Family.IPV4,
            "10.0.0.5",
            40_001,
            "10.0.0.53",
            53,
            SocketState.ESTABLISHED,
            0,
            0,
            0,
            9);
    SocketChange opened =
        new SocketChange(
            ChangeKind.OPENED,
            "n1",
            ++seq,
            NOW,
            new OwnedSocket(e, Owner.UNKNOWN, null),
            null,
            null);
    assertEquals(List.of(), ShortLivedTally.of(List.of(old, opened), NOW - 60_000));
  }

  @Test
  void theHistoryGivesTheRecentChangesOfAKind() {
    ChangeHistory history = new ChangeHistory(100, 0);
    SocketChange old =
        shortLived(
            Protocol.UDP, "10.0.0.5", 40_000, "10.0.0.53", 53, NOW - 61_000, Owner.UNKNOWN, null);
    SocketChange recent =
        shortLived(
            Protocol.UDP, "10.0.0.5", 40_001, "10.0.0.53", 53, NOW - 1_000, Owner.UNKNOWN, null);
    history.append(List.of(old, recent));
    assertEquals(List.of(recent), history.recent(ChangeKind.SHORT_LIVED, NOW - 60_000));
    assertEquals(List.of(), history.recent(ChangeKind.OPENED, NOW - 60_000));
  }
}
