package dev.portolan.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.bus.NodeEntry;
import dev.portolan.fleet.NodeFacts;
import dev.portolan.scan.ExposureMap;
import dev.portolan.scan.ScanRefusedException;
import dev.portolan.socket.Protocol;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ExposurePortsTest {
  private static ExposureMap.Listener at(int port) {
    return new ExposureMap.Listener(Protocol.TCP, port, "0.0.0.0", null);
  }

  /**
   * A node entry as the hub lists it: name, whether live, and the addresses its heartbeats report.
   */
  private static NodeEntry entry(String name, boolean live, String... addresses) {
    NodeFacts facts =
        NodeFacts.builder(name)
            .clusterNodeId("c-" + name)
            .role("agent")
            .reader("netlink")
            .intervalMillis(1000)
            .startedAtMillis(1)
            .kernel("6.1")
            .addresses(List.of(addresses))
            .build();
    return new NodeEntry(
        name, live ? "up" : "down", 1, null, live, false, 1, 1, 0, Map.of("total", 0), facts, 0);
  }

  @Test
  void listenerPortsBecomeACompactSpecWithRuns() {
    assertEquals(
        "22,80-82,443,top:100",
        ExposurePages.listenerPortsAnd(
            List.of(at(443), at(81), at(22), at(80), at(82), at(22)), "top:100"));
    assertEquals("top:100", ExposurePages.listenerPortsAnd(List.of(), "top:100"));
  }

  @Test
  void tooManyScatteredListenersMeanAFullScan() {
    List<ExposureMap.Listener> many =
        IntStream.range(0, 2000).map(i -> 1000 + i * 3).mapToObj(ExposurePortsTest::at).toList();
    assertEquals("-", ExposurePages.listenerPortsAnd(many, "top:100"));
  }

  @Test
  void anotherNodeScansTheOutsideAddressesInCanonicalForm() {
    // As a heartbeat lists them: Java's long IPv6 form, loopback and link-local included.
    List<String> heartbeat =
        List.of(
            "fe80:0:0:0:b041:23ff:fe99:f395",
            "10.77.0.2",
            "fd00:0:0:0:0:0:0:2",
            "0:0:0:0:0:0:0:1",
            "127.0.0.1",
            "169.254.1.1",
            "10.77.0.2",
            "not an address");
    assertEquals(List.of("10.77.0.2", "fd00::2"), ExposurePages.outsideAddresses(heartbeat));
    assertEquals(List.of(), ExposurePages.outsideAddresses(null));
  }

  @Test
  void sharedAddressesAreNotedAndAPolicyRefusalSaysWhatToSet() {
    List<NodeEntry> nodes =
        List.of(
            entry("hub", true, "10.0.0.1", "172.17.0.1"),
            entry("web-1", true, "10.0.0.2", "172.17.0.1"),
            entry("gone", false, "10.0.0.3"));
    LiveNodes live = LiveNodes.from(nodes, null, null);
    assertEquals(List.of("hub", "web-1"), live.names(), "live nodes only");
    assertEquals("hub", live.preferred(), "no local node: the first live one");
    assertEquals("web-1", LiveNodes.from(nodes, "web-1", null).preferred());
    assertEquals("web-1", LiveNodes.from(nodes, "hub", "web-1").preferred());
    assertEquals(
        "hub", LiveNodes.from(nodes, "hub", "gone").preferred(), "a down node is not preferred");
    assertNull(LiveNodes.from(List.of(), null, null).preferred());

    assertNull(ExposurePages.note(live, "hub", "hub"));
    assertEquals(
        "hub and web-1 share the address 172.17.0.1 (the same host, or overlapping networks such as a"
            + " container bridge): there the scan from web-1 may reach web-1 itself.",
        ExposurePages.note(live, "hub", "web-1"));

    ScanRefusedException refused =
        new ScanRefusedException("target not allowed", "10.0.0.1 is not allowed: ...");
    String fix = ExposurePages.fix(refused, "hub", "web-1", List.of("10.0.0.1", "172.17.0.1"));
    assertTrue(
        fix.startsWith(
            "Scanning hub's addresses from web-1 needs them in web-1's scan policy: start web-1 with"
                + " --scan-allow=10.0.0.1,172.17.0.1 (or PORTOLAN_SCAN_ALLOW=10.0.0.1,172.17.0.1"),
        fix);
    assertTrue(ExposurePages.fix(refused, "hub", "hub", List.of()).contains("--scan-allow"));
    assertNull(
        ExposurePages.fix(
            new ScanRefusedException("too many hosts", "..."), "hub", "web-1", List.of()));
  }
}
