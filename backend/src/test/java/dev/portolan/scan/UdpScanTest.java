package dev.portolan.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.scan.banner.UdpPayloads;
import dev.portolan.socket.Protocol;
import dev.portolan.web.Await;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * UDP scans of the loopback addresses against real services the test runs: an echo service, DNS,
 * NTP and SNMP responders that answer only a well-formed request of their protocol, a socket that
 * never answers, and ports reserved and released (closed: the kernel answers with ICMP port
 * unreachable).
 */
@Timeout(60)
class UdpScanTest {

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"127.0.0.1", "::1"})
  void exactStatesWithProtocolPayloads(String host) throws Exception {
    InetAddress address = InetAddress.getByName(host);
    try (UdpResponder echo = UdpResponder.echo(address);
        UdpResponder silent = UdpResponder.silent(address);
        UdpResponder dns = UdpResponder.start(address, 0, UdpResponder::dns);
        UdpResponder ntp = UdpResponder.start(address, 0, UdpResponder::ntp);
        UdpResponder snmp = UdpResponder.start(address, 0, UdpResponder::snmp)) {
      // five distinct ports: the kernel may hand the same free port out again once it is closed
      java.util.Set<Integer> distinct = new java.util.LinkedHashSet<>();
      while (distinct.size() < 5) {
        distinct.add(ScanFixtures.reservedClosedUdp(address));
      }
      List<Integer> closed = new ArrayList<>(distinct);
      List<Integer> answering = List.of(echo.port(), dns.port(), ntp.port(), snmp.port());
      closed.removeAll(answering);
      closed.remove((Integer) silent.port());
      List<Integer> all = new ArrayList<>(answering);
      all.add(silent.port());
      all.addAll(closed);
      // the payloads go by port number (53, 123, 161); the responders sit on random ports, so say
      // which is which
      UdpPayloads payloads =
          UdpPayloads.defaults()
              .with(dns.port(), UdpPayloads.dnsQuery())
              .with(ntp.port(), UdpPayloads.ntpRequest())
              .with(snmp.port(), UdpPayloads.snmpGetRequest());

      ScanFixtures.Recorder rec = new ScanFixtures.Recorder();
      ScanPlan plan = ScanFixtures.plan(List.of(address), all, Protocol.UDP, Preset.AGGRESSIVE);
      ScanRun run = ScanEngine.create().withPayloads(payloads).start(plan, rec);
      ScanOutcome o = ScanFixtures.await(run, 30);

      assertEquals(ScanOutcome.Status.COMPLETED, o.status(), String.valueOf(o.error()));
      assertEquals(all.size(), o.results().size());
      ScanFixtures.assertSorted(o.results());
      rec.assertOncePerPortAndProgress(o, plan.total());
      for (int p : answering) {
        PortResult r = rec.get(address, p);
        assertEquals(PortState.OPEN, r.state(), "port " + p);
        assertEquals("udp-response", r.reason());
        assertTrue(r.rttMicros() >= 0);
        assertEquals(Protocol.UDP, r.proto());
      }
      assertTrue(dns.answered.get() >= 1 && ntp.answered.get() >= 1 && snmp.answered.get() >= 1);
      assertEquals(
          0, dns.ignored.get() + ntp.ignored.get() + snmp.ignored.get(), "a malformed request");
      PortResult s = rec.get(address, silent.port());
      assertEquals(PortState.OPEN_FILTERED, s.state());
      assertEquals("no-response", s.reason());
      assertEquals(-1, s.rttMicros());
      for (int p : closed) {
        PortResult r = rec.get(address, p);
        assertEquals(PortState.CLOSED, r.state(), "port " + p);
        assertEquals("port-unreach", r.reason());
        assertTrue(r.rttMicros() >= 0);
      }
      // the silent socket heard every try: the first send and maxRetries retransmissions
      int tries = Preset.AGGRESSIVE.maxRetries() + 1;
      Await.until(
          "the silent socket to see " + tries + " probes",
          Duration.ofSeconds(5),
          () -> silent.ignored.get() == tries ? true : null);
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"127.0.0.1", "::1"})
  void protocolServicesIgnoreTheNeutralPayload(String host) throws Exception {
    InetAddress address = InetAddress.getByName(host);
    try (UdpResponder dns = UdpResponder.start(address, 0, UdpResponder::dns);
        UdpResponder ntp = UdpResponder.start(address, 0, UdpResponder::ntp);
        UdpResponder snmp = UdpResponder.start(address, 0, UdpResponder::snmp);
        UdpResponder echo = UdpResponder.echo(address)) {
      List<UdpResponder> strict = List.of(dns, ntp, snmp);
      List<Integer> ports = new ArrayList<>();
      for (UdpResponder r : strict) {
        ports.add(r.port());
      }
      ports.add(echo.port());
      // no payload overrides: these random ports get the neutral byte, which no strict service
      // answers
      ScanPlan plan = ScanFixtures.plan(List.of(address), ports, Protocol.UDP, Preset.AGGRESSIVE);
      ScanOutcome o = ScanFixtures.await(ScanEngine.create().start(plan, ScanListener.NONE), 30);
      assertEquals(ScanOutcome.Status.COMPLETED, o.status());
      for (PortResult r : o.results()) {
        PortState expected = r.port() == echo.port() ? PortState.OPEN : PortState.OPEN_FILTERED;
        assertEquals(expected, r.state(), "port " + r.port());
      }
      int tries = Preset.AGGRESSIVE.maxRetries() + 1;
      for (UdpResponder r : strict) {
        Await.until(
            "a strict service to ignore " + tries + " neutral probes",
            Duration.ofSeconds(5),
            () -> r.ignored.get() == tries ? true : null);
        assertEquals(0, r.answered.get());
      }
      assertEquals(1, echo.answered.get(), "the echo service answered the neutral byte at once");
    }
  }
}
