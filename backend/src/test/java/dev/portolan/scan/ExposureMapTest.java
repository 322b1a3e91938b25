package dev.portolan.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.socket.Protocol;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExposureMapTest {
  private static final InetAddress NODE = InetAddress.ofLiteral("192.0.2.2");

  @Test
  void sortsEachListenerIntoInsideOutsideOrBoth() {
    List<ExposureMap.Listener> listeners =
        List.of(
            new ExposureMap.Listener(Protocol.TCP, 22, "0.0.0.0", "sshd (1)"),
            new ExposureMap.Listener(Protocol.TCP, 5432, "127.0.0.1", "postgres (2)"),
            new ExposureMap.Listener(Protocol.TCP, 8080, "10.9.9.9", null),
            new ExposureMap.Listener(Protocol.TCP, 9000, "0.0.0.0", null),
            new ExposureMap.Listener(Protocol.TCP, 40000, "0.0.0.0", null),
            new ExposureMap.Listener(Protocol.UDP, 53, "0.0.0.0", null));
    List<PortResult> results =
        List.of(
            new PortResult(NODE, 22, Protocol.TCP, PortState.OPEN, 50, "syn-ack", null),
            new PortResult(NODE, 9000, Protocol.TCP, PortState.FILTERED, -1, "no-response", null),
            new PortResult(NODE, 3000, Protocol.TCP, PortState.OPEN, 50, "syn-ack", null));
    ScanRecord.Snapshot scan =
        new ScanRecord.Snapshot(
            "0123456789ab",
            "n",
            "self",
            List.of(NODE),
            "1-10000",
            Protocol.TCP,
            Preset.NORMAL,
            false,
            ScanRecord.Status.COMPLETED,
            10000,
            10000,
            Map.of(),
            0,
            0,
            0,
            0,
            null,
            results);

    ExposureMap map = ExposureMap.of("n", listeners, scan);

    assertEquals(List.of(22), ports(map.listeningReachable()));
    assertEquals("answers on 192.0.2.2", map.listeningReachable().get(0).why());
    assertEquals("sshd (1)", map.listeningReachable().get(0).owner());
    assertEquals(List.of(5432, 8080, 9000), ports(map.listeningNotReachable()));
    assertTrue(
        map.listeningNotReachable().get(0).why().startsWith("bound to loopback only (127.0.0.1)"));
    assertTrue(map.listeningNotReachable().get(1).why().startsWith("bound to 10.9.9.9 only"));
    assertTrue(map.listeningNotReachable().get(2).why().contains("a firewall drops"));
    assertEquals(List.of(3000), ports(map.reachableUnexplained()));
    assertEquals(
        List.of(40000),
        ports(map.notScanned()),
        "a listener outside the scanned ports is not guessed at");
  }

  private static List<Integer> ports(List<ExposureMap.Port> ports) {
    return ports.stream().map(ExposureMap.Port::port).toList();
  }
}
