package dev.portolan.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * nmap's grepable output ({@code -oG -}), as captured from nmap 7.93 under src/test/resources/nmap:
 * the scans the benchmark runs ({@code -sT -p- -T4} on 100 listeners, {@code -sU -p 1-2000 -T5} on
 * 5 silent sockets), a scan finding nothing, three hosts with filtered ports, and a short UDP scan
 * where every port is listed.
 */
class NmapGrepableTest {

  private static String fixture(String name) {
    try (InputStream in = NmapGrepableTest.class.getResourceAsStream("/nmap/" + name)) {
      if (in == null) {
        throw new IllegalStateException("missing fixture " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The ports {@code SocketHolder listeners 127.0.0.1 42 100 5 1 2000 4096 hold} listened on when
   * the TCP fixture was captured.
   */
  private static Set<Integer> tcpTruth() {
    return Arrays.stream(fixture("tcp-100-listeners.truth").strip().split("\\s+"))
        .map(Integer::valueOf)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  @Test
  void fullTcpScanOfTheHundredListeners() {
    List<NmapGrepable.Host> hosts = NmapGrepable.parse(fixture("tcp-100-listeners.gnmap"));
    assertEquals(1, hosts.size());
    NmapGrepable.Host h = hosts.getFirst();
    assertEquals("127.0.0.1", h.address());
    assertEquals(
        "Up", h.status()); // from the Status line, merged with the Ports line of the same host
    assertEquals(100, h.ports().size());
    assertEquals(tcpTruth(), h.portsIn(Set.of("open")));
    assertEquals("closed", h.ignoredState());
    assertEquals(65_435, h.ignoredCount());
    assertEquals(65_535, h.scanned());
    assertEquals(65_435, h.closed());
    assertEquals(new NmapGrepable.Port(779, "open", "tcp", "unknown"), h.ports().get(779));
    assertEquals(
        new NmapGrepable.Port(7499, "open", "tcp", ""), h.ports().get(7499)); // no service guess
    assertNull(
        ScanBench.nmapMismatch(
            fixture("tcp-100-listeners.gnmap"), tcpTruth(), Set.of("open"), 65_535));
  }

  @Test
  void udpScanShowsSilentListenersOpenFiltered() {
    NmapGrepable.Host h = NmapGrepable.host(fixture("udp-5-silent.gnmap"), "127.0.0.1");
    Set<Integer> silent = Set.of(30, 984, 1141, 1533, 1871);
    assertEquals(silent, h.portsIn(Set.of("open|filtered")));
    assertEquals(
        Map.of(
            30,
            "open|filtered",
            984,
            "open|filtered",
            1141,
            "open|filtered",
            1533,
            "open|filtered",
            1871,
            "open|filtered"),
        h.notClosed());
    assertEquals("udp", h.ports().get(984).protocol());
    assertEquals(1_995, h.closed());
    assertEquals(2_000, h.scanned());
    Set<String> positive = Set.of("open", "open|filtered");
    assertNull(ScanBench.nmapMismatch(fixture("udp-5-silent.gnmap"), silent, positive, 2_000));
    assertEquals(
        "missed [30]; 1 open|filtered not listening [31]",
        ScanBench.nmapMismatch(
            fixture("udp-5-silent.gnmap").replace("30/open|filtered", "31/open|filtered"),
            silent,
            positive,
            2_000));
  }

  @Test
  void emptyPortListWhenNothingListens() {
    NmapGrepable.Host h = NmapGrepable.host(fixture("no-listeners.gnmap"), "127.0.0.1");
    assertEquals(Map.of(), h.ports());
    assertEquals("closed", h.ignoredState());
    assertEquals(3_000, h.closed());
    assertNull(
        ScanBench.nmapMismatch(fixture("no-listeners.gnmap"), Set.of(), Set.of("open"), 3_000));
    assertEquals(
        "missed [22]",
        ScanBench.nmapMismatch(fixture("no-listeners.gnmap"), Set.of(22), Set.of("open"), 3_000));
  }

  @Test
  void severalHostsAndPortsIgnoredAsFiltered() {
    String text = fixture("three-hosts-filtered.gnmap");
    List<NmapGrepable.Host> hosts = NmapGrepable.parse(text);
    assertEquals(
        List.of("127.0.0.1", "10.9.9.9", "10.9.9.8"),
        hosts.stream().map(NmapGrepable.Host::address).toList());
    assertEquals(Set.of(22, 80), hosts.getFirst().portsIn(Set.of("open")));
    assertEquals(29, hosts.getFirst().closed());
    NmapGrepable.Host filtered = hosts.get(1);
    assertEquals("filtered", filtered.ignoredState());
    assertEquals(31, filtered.ignoredCount());
    assertEquals(0, filtered.closed());
    // filtered ports are neither open nor closed: not exact for a host that has nothing listening
    String mismatch =
        ScanBench.mismatch(Set.of(), Set.of("open"), filtered.notClosed(), filtered.closed(), 31);
    assertEquals("0 of 31 ports answered for", mismatch);
    assertThrows(IllegalArgumentException.class, () -> NmapGrepable.host(text, "10.0.0.1"));
  }

  @Test
  void everyPortListedWithoutIgnoredState() {
    NmapGrepable.Host h = NmapGrepable.host(fixture("udp-every-port-listed.gnmap"), "127.0.0.1");
    assertNull(h.ignoredState());
    assertEquals(0, h.ignoredCount());
    assertEquals(List.of(28, 29, 30, 31, 32), List.copyOf(h.ports().keySet()));
    assertEquals(4, h.closed());
    assertEquals(Map.of(30, "open|filtered"), h.notClosed());
    assertEquals("msg-auth", h.ports().get(31).service());
    assertNull(
        ScanBench.nmapMismatch(
            fixture("udp-every-port-listed.gnmap"),
            Set.of(30),
            Set.of("open", "open|filtered"),
            5));
  }

  @Test
  void rejectsWhatIsNotGrepableOutput() {
    assertThrows(
        IllegalArgumentException.class,
        () -> NmapGrepable.parse("Starting Nmap 7.93 ( https://nmap.org )\n"));
    assertThrows(
        IllegalArgumentException.class,
        () -> NmapGrepable.parse("Host: 127.0.0.1 ()\tPorts: x/open/tcp//\n"));
    assertTrue(NmapGrepable.parse("# Nmap done\n\n").isEmpty());
    assertTrue(
        ScanBench.nmapMismatch("", Set.of(22), Set.of("open"), 10)
            .startsWith("nmap reported no host"));
  }
}
