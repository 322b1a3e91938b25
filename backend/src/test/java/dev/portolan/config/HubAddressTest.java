package dev.portolan.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** An agent's {@code --hub}: host:port, [IPv6]:port, a host alone (port 7071), lists. */
class HubAddressTest {

  @Test
  void goodAddresses() {
    assertEquals(
        new HubAddress("hub-0.example.com", 7072), HubAddress.parse("hub-0.example.com:7072"));
    assertEquals(new HubAddress("10.0.0.5", 7071), HubAddress.parse(" 10.0.0.5 "));
    assertEquals(new HubAddress("hub", 1), HubAddress.parse("hub:1"));
    assertEquals(new HubAddress("hub", 65535), HubAddress.parse("hub:65535"));
    assertEquals(new HubAddress("::1", 7071), HubAddress.parse("[::1]"));
    assertEquals(new HubAddress("fe80::1", 9000), HubAddress.parse("[fe80::1]:9000"));
    assertEquals(
        new HubAddress("::ffff:10.0.0.1", 7071), HubAddress.parse("[::ffff:10.0.0.1]:7071"));
    assertEquals(7071, HubAddress.DEFAULT_PORT);
  }

  @Test
  void writtenAsParsed() {
    for (String text : List.of("hub:7071", "10.0.0.5:9", "[::1]:7071", "[fe80::1]:9000")) {
      assertEquals(text, HubAddress.parse(text).toString());
    }
    assertEquals("[::1]:7071", HubAddress.parse("[::1]").toString());
    assertEquals("hub:7071", HubAddress.parse("hub").toString());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "::1",
        "fe80::1:7071",
        "[::1",
        "[::1]7071",
        "[::1]:",
        "[hub]:7071",
        "hub:",
        "hub:x",
        "hub:70 71",
        "ho st:1",
        "hub/x:1",
        "",
        ":7071",
        "[]:7071",
        "hub:7071:1"
      })
  void badAddressesSayHowToWriteOne(String text) {
    String message =
        assertThrows(PortolanConfig.InvalidConfigException.class, () -> HubAddress.parse(text))
            .getMessage();
    assertEquals(
        "invalid hub '"
            + text.trim()
            + "': give HOST:PORT (IPv6 as [ADDRESS]:PORT), comma-separated for several",
        message);
  }

  @ParameterizedTest
  @ValueSource(strings = {"hub:0", "hub:65536", "[::1]:70000", "hub:-1"})
  void portsOutOfRange(String text) {
    String message =
        assertThrows(PortolanConfig.InvalidConfigException.class, () -> HubAddress.parse(text))
            .getMessage();
    assertEquals("invalid hub '" + text + "': the port must be from 1 to 65535", message);
  }

  @Test
  void listsFromTextOrAConfigFilesArray() {
    List<HubAddress> two = List.of(new HubAddress("a", 7071), new HubAddress("::1", 9));
    assertEquals(two, HubAddress.parseList("a, [::1]:9"));
    assertEquals(two, HubAddress.parseList("a,,[::1]:9, "), "blank items skipped");
    assertEquals(two, HubAddress.parseList(List.of("a", "[::1]:9")));
    assertEquals(List.of(), HubAddress.parseList(null));
    assertEquals(List.of(), HubAddress.parseList(""));
  }
}
