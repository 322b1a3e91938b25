package dev.portolan.scan.banner;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.portolan.scan.UdpResponder;
import org.junit.jupiter.api.Test;

/** The payloads pass the strict request checkers the responders use, and go to the right ports. */
class UdpPayloadsTest {

  @Test
  void wellKnownPortsGetTheirProtocolsRequest() {
    UdpPayloads p = UdpPayloads.defaults();
    assertArrayEquals(UdpPayloads.dnsQuery(), p.forPort(53));
    assertArrayEquals(UdpPayloads.ntpRequest(), p.forPort(123));
    assertArrayEquals(UdpPayloads.snmpGetRequest(), p.forPort(161));
    assertArrayEquals(new byte[] {0}, p.forPort(54));
    assertArrayEquals(new byte[] {0}, p.forPort(65535));
    assertArrayEquals(new int[] {53, 123, 161}, p.ports());
  }

  @Test
  void eachPayloadIsAWellFormedRequestOfItsProtocol() {
    assertNotNull(UdpResponder.dns(UdpPayloads.dnsQuery()), "DNS query rejected");
    assertNotNull(UdpResponder.ntp(UdpPayloads.ntpRequest()), "NTP request rejected");
    assertNotNull(UdpResponder.snmp(UdpPayloads.snmpGetRequest()), "SNMP request rejected");
    // and the checkers are not pushovers
    for (byte[] other :
        new byte[][] {
          UdpPayloads.neutral(), UdpPayloads.ntpRequest(), UdpPayloads.snmpGetRequest()
        }) {
      assertNull(UdpResponder.dns(other));
    }
    assertNull(UdpResponder.ntp(UdpPayloads.dnsQuery()));
    assertNull(UdpResponder.snmp(UdpPayloads.dnsQuery()));
    byte[] truncated = java.util.Arrays.copyOf(UdpPayloads.snmpGetRequest(), 42);
    assertNull(UdpResponder.snmp(truncated));
  }

  @Test
  void theDnsQueryAsksForTheRootsNameServers() {
    byte[] q = UdpPayloads.dnsQuery();
    assertEquals(17, q.length);
    assertEquals(
        0x0100, ((q[2] & 0xff) << 8) | (q[3] & 0xff), "flags: a standard query, recursion desired");
    assertEquals(0, q[12], "the root name");
    assertEquals(2, q[14], "type NS");
    assertEquals(1, q[16], "class IN");
  }

  @Test
  void theNtpRequestIsAVersion4Client() {
    byte[] q = UdpPayloads.ntpRequest();
    assertEquals(48, q.length);
    assertEquals(3, q[0] & 7, "mode 3, client");
    assertEquals(4, (q[0] >>> 3) & 7, "version 4");
    assertEquals(0, (q[0] >>> 6) & 3, "leap indicator 0");
  }

  @Test
  void overridesAreCopiesAndNeverEmpty() {
    byte[] mine = {1, 2, 3};
    UdpPayloads p = UdpPayloads.defaults().with(4000, mine);
    mine[0] = 9;
    assertArrayEquals(new byte[] {1, 2, 3}, p.forPort(4000));
    assertArrayEquals(
        new byte[] {0}, UdpPayloads.defaults().forPort(4000), "the defaults stay as they were");
    assertThrows(IllegalArgumentException.class, () -> p.with(4001, new byte[0]));
    assertThrows(IllegalArgumentException.class, () -> p.with(0, mine));
  }
}
