package dev.portolan.scan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.http.InvalidQueryException;
import dev.portolan.socket.Protocol;
import org.junit.jupiter.api.Test;

class PortListTest {
  @Test
  void listsRangesAndOpenEndsCombineSortedWithoutDuplicates() {
    assertArrayEquals(
        new int[] {22, 80, 443}, PortList.parse("443, 22,80,22", Protocol.TCP).toArray());
    assertArrayEquals(new int[] {1, 2, 3, 10}, PortList.parse("10,-3", Protocol.TCP).toArray());
    PortList tail = PortList.parse("65530-", Protocol.TCP);
    assertEquals(6, tail.size());
    assertEquals(65535, tail.get(5));
    assertEquals(65535, PortList.parse("-", Protocol.TCP).size());
    assertEquals(1024, PortList.parse("1-1024,80", Protocol.TCP).size());
  }

  @Test
  void topNTakesTheRankedListOfTheProtocol() {
    PortList tcp = PortList.parse("top:10", Protocol.TCP);
    assertEquals(10, tcp.size());
    assertTrue(tcp.contains(80) && tcp.contains(22) && tcp.contains(443), tcp.text());
    PortList udp = PortList.parse("top:10", Protocol.UDP);
    assertTrue(udp.contains(161) && udp.contains(53) && udp.contains(123), udp.text());
    PortList both = PortList.parse("top:10,9999", Protocol.TCP);
    assertEquals(11, both.size());
  }

  @Test
  void badSpecsSayWhatIsWrong() {
    assertBad("", "no ports given");
    assertBad("0", "port 0 is out of range");
    assertBad("65536", "port 65536 is out of range");
    assertBad("80,,443", "an empty item between commas");
    assertBad("100-10", "the range 100-10 runs backwards");
    assertBad("http", "'http' is not a port number");
    assertBad("top:0", "top:N takes N from 1");
    assertBad("top:abc", "top:N takes N from 1");
    assertBad("top:99999", "asks for more ports than");
    assertBad("1-2-3", "is not a port number");
    assertBad("9".repeat(5000), "characters long");
  }

  private static void assertBad(String spec, String expected) {
    InvalidQueryException e =
        assertThrows(InvalidQueryException.class, () -> PortList.parse(spec, Protocol.TCP));
    assertEquals("invalid ports", e.error());
    assertTrue(e.detail().contains(expected), e.detail());
  }
}
