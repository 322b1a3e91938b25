package dev.portolan.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.http.InvalidQueryException;
import dev.portolan.owner.Owner;
import dev.portolan.socket.Family;
import dev.portolan.socket.Protocol;
import dev.portolan.socket.SocketEntry;
import dev.portolan.socket.SocketState;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code q} as a CIDR block: addresses in it, local or remote, as the dashboard's search. */
class AddressBlockTest {
  @Test
  void blocksHoldTheirAddresses() {
    AddressBlock ten = AddressBlock.of("10.0.0.0/8");
    assertTrue(ten.contains("10.255.1.2"));
    assertTrue(ten.contains("::ffff:10.1.2.3"), "an IPv4-mapped address");
    assertFalse(ten.contains("11.0.0.1"));
    assertFalse(ten.contains("*"));
    AddressBlock v6 = AddressBlock.of("fd00::/64");
    assertTrue(v6.contains("fd00::2"));
    assertFalse(v6.contains("fd00:0:0:1::2"));
    assertTrue(AddressBlock.of("192.168.1.0/23").contains("192.168.0.9"));
    assertFalse(AddressBlock.of("192.168.1.0/24").contains("192.168.0.9"));
    assertNull(AddressBlock.of("/run/docker.sock"), "a path is text");
    assertNull(AddressBlock.of("postgres"));
    assertNull(AddressBlock.of("cafe.be/8"), "not an address literal: text, never a DNS look-up");
    assertThrows(InvalidQueryException.class, () -> AddressBlock.check("10.0.0.0/33"));
  }

  @Test
  void theSocketFilterMatchesAddressesInTheBlock() {
    SocketFilter f = SocketFilter.parse(Map.of("q", List.of("10.1.0.0/16")));
    assertTrue(f.matches("n", row("127.0.0.1", "10.1.200.3")));
    assertTrue(f.matches("n", row("10.1.0.7", "0.0.0.0")));
    assertFalse(f.matches("n", row("10.2.0.7", "10.10.1.1")), "text 10.1. would not do either");
    assertEquals(
        400,
        assertThrows(
                InvalidQueryException.class,
                () -> SocketFilter.parse(Map.of("q", List.of("fd00::/129"))))
            .status());
  }

  private static OwnedSocket row(String local, String remote) {
    return new OwnedSocket(
        new SocketEntry(
            Protocol.TCP,
            Family.IPV4,
            local,
            5432,
            remote,
            40000,
            SocketState.ESTABLISHED,
            0,
            0,
            0,
            1234,
            null,
            null,
            0),
        Owner.UNKNOWN);
  }
}
