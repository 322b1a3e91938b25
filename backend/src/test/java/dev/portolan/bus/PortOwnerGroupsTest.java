package dev.portolan.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portolan.owner.Owner;
import dev.portolan.sampling.Rows;
import dev.portolan.socket.SocketState;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Sockets on a port grouped by holder as they come, in whatever order the holders interleave. */
class PortOwnerGroupsTest {

  @Test
  void interleavedHoldersAndNamespacesMakeOneGroupEach() {
    Owner a = Owner.of(Rows.process(100, "nginx"));
    Owner b = Owner.of(Rows.process(200, "haproxy"));
    Owner aAgain = Owner.of(Rows.process(100, "nginx")); // an equal owner, another object
    PortOwner.Groups groups = new PortOwner.Groups("web-1");
    groups.add(1, a, SocketState.LISTEN);
    groups.add(1, a, SocketState.ESTABLISHED);
    groups.add(1, b, SocketState.ESTABLISHED);
    groups.add(1, aAgain, SocketState.ESTABLISHED);
    groups.add(1, Owner.KERNEL, SocketState.TIME_WAIT);
    groups.add(2, a, SocketState.LISTEN); // pid 100 in another namespace: another holder
    groups.add(1, b, SocketState.CLOSE_WAIT);
    groups.add(1, Owner.KERNEL, SocketState.TIME_WAIT);

    List<PortOwner> built = groups.build();
    assertEquals(4, built.size(), built.toString());
    assertEquals(
        new PortOwner("web-1", 1, a, 3, Map.of("listen", 1, "established", 2)), built.get(0));
    assertEquals(
        new PortOwner("web-1", 1, b, 2, Map.of("established", 1, "close-wait", 1)), built.get(1));
    assertEquals(new PortOwner("web-1", 1, Owner.KERNEL, 2, Map.of("time-wait", 2)), built.get(2));
    assertEquals(new PortOwner("web-1", 2, a, 1, Map.of("listen", 1)), built.get(3));
  }
}
