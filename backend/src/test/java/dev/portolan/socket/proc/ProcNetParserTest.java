package dev.portolan.socket.proc;

import static dev.portolan.socket.Family.IPV4;
import static dev.portolan.socket.Family.IPV6;
import static dev.portolan.socket.Protocol.TCP;
import static dev.portolan.socket.Protocol.UDP;
import static dev.portolan.socket.SocketState.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.socket.Fixtures;
import dev.portolan.socket.Protocol;
import dev.portolan.socket.SocketEntry;
import dev.portolan.socket.SocketState;
import dev.portolan.socket.TextCache;
import dev.portolan.socket.UnixType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ProcNetParserTest {
  private final TextCache cache = new TextCache();

  private List<SocketEntry> parseInet(Protocol proto, String dir, String file) {
    byte[] data = Fixtures.bytes(dir, file);
    List<SocketEntry> out = new ArrayList<>();
    int appended = ProcNetParser.parseInet(proto, data, 0, data.length, cache, out);
    assertEquals(out.size(), appended);
    return out;
  }

  private List<SocketEntry> parseUnix(String dir) {
    byte[] data = Fixtures.bytes(dir, "unix");
    List<SocketEntry> out = new ArrayList<>();
    int appended = ProcNetParser.parseUnix(data, 0, data.length, cache, out);
    assertEquals(out.size(), appended);
    return out;
  }

  private static SocketEntry tcp4(
      String local,
      int localPort,
      String remote,
      int remotePort,
      SocketState state,
      long tx,
      long rx,
      int uid,
      long inode) {
    return SocketEntry.inet(
        TCP, IPV4, local, localPort, remote, remotePort, state, tx, rx, uid, inode);
  }

  @Test
  void parsesEveryTcpStateOverIpv4() {
    List<SocketEntry> expected =
        List.of(
            tcp4("0.0.0.0", 22, "0.0.0.0", 0, LISTEN, 0, 0, 0, 10001),
            tcp4("127.0.0.1", 5432, "0.0.0.0", 0, LISTEN, 0, 3, 105, 10002),
            tcp4("10.0.0.5", 22, "192.168.1.20", 51234, ESTABLISHED, 0x1A2B, 0x10, 0, 10003),
            tcp4("10.0.0.5", 40000, "93.184.216.34", 443, SYN_SENT, 1, 0, 1000, 10004),
            tcp4("10.0.0.5", 22, "192.168.1.21", 51000, SYN_RECV, 0, 0, 0, 0),
            tcp4("10.0.0.5", 40002, "93.184.216.34", 443, FIN_WAIT1, 517, 0, 1000, 10006),
            tcp4("10.0.0.5", 40003, "93.184.216.34", 443, FIN_WAIT2, 0, 0, 1000, 0),
            tcp4("10.0.0.5", 40004, "93.184.216.34", 80, TIME_WAIT, 0, 0, 0, 0),
            tcp4("192.168.100.200", 9000, "255.255.255.254", 65535, CLOSE, 0, 0, 1000, 10009),
            tcp4("127.0.0.1", 5432, "127.0.0.1", 60000, CLOSE_WAIT, 0, 1, 105, 10010),
            tcp4("10.0.0.5", 40005, "93.184.216.34", 443, LAST_ACK, 1, 0, 1000, 10011),
            tcp4("10.0.0.5", 40006, "93.184.216.34", 443, CLOSING, 0, 0, 2147483646, 10012));
    List<SocketEntry> parsed = parseInet(TCP, "fixture", "tcp");
    assertEquals(expected, parsed);
    assertEquals(
        EnumSet.allOf(SocketState.class),
        parsed.stream()
            .map(SocketEntry::state)
            .collect(Collectors.toCollection(() -> EnumSet.noneOf(SocketState.class))));
  }

  @Test
  void parsesTcp6IncludingV4Mapped() {
    List<SocketEntry> expected =
        List.of(
            SocketEntry.inet(TCP, IPV6, "::", 80, "::", 0, LISTEN, 0, 0, 33, 20001),
            SocketEntry.inet(TCP, IPV6, "::1", 631, "::", 0, LISTEN, 0, 0, 0, 20002),
            SocketEntry.inet(
                TCP,
                IPV6,
                "::ffff:127.0.0.1",
                8080,
                "::ffff:127.0.0.1",
                45678,
                ESTABLISHED,
                5,
                7,
                1000,
                20003),
            SocketEntry.inet(
                TCP,
                IPV6,
                "fe80::1",
                22,
                "fe80::abcd:ef01:2345:6789",
                50123,
                ESTABLISHED,
                0,
                0,
                0,
                20004),
            SocketEntry.inet(
                TCP,
                IPV6,
                "2001:db8::1:0:0:1",
                443,
                "2001:db8:0:1::2",
                61000,
                TIME_WAIT,
                0,
                0,
                0,
                0));
    assertEquals(expected, parseInet(TCP, "fixture", "tcp6"));
  }

  @Test
  void parsesUdpUnconnectedAndConnected() {
    List<SocketEntry> expected =
        List.of(
            SocketEntry.inet(UDP, IPV4, "0.0.0.0", 68, "0.0.0.0", 0, CLOSE, 0, 0, 0, 30001),
            SocketEntry.inet(UDP, IPV4, "127.0.0.53", 53, "0.0.0.0", 0, CLOSE, 0, 0, 101, 30002),
            SocketEntry.inet(
                UDP,
                IPV4,
                "10.0.0.5",
                51820,
                "10.0.0.9",
                53,
                ESTABLISHED,
                0x200,
                0x340,
                1000,
                30003));
    List<SocketEntry> parsed = parseInet(UDP, "fixture", "udp");
    assertEquals(expected, parsed);
    assertEquals("UNCONN", parsed.get(0).state().ssName());
    assertTrue(parsed.get(1).isListening());
    assertEquals("ESTAB", parsed.get(2).state().ssName());

    assertEquals(
        List.of(
            SocketEntry.inet(UDP, IPV6, "::", 5353, "::", 0, CLOSE, 0, 0, 107, 30004),
            SocketEntry.inet(
                UDP,
                IPV6,
                "2001:db8::5",
                40001,
                "2001:4860:4860::8888",
                53,
                ESTABLISHED,
                0,
                0,
                1000,
                30005)),
        parseInet(UDP, "fixture", "udp6"));
  }

  @Test
  void repeatedAddressesShareOneString() {
    List<SocketEntry> parsed = parseInet(TCP, "fixture", "tcp");
    assertSame(parsed.get(2).localAddress(), parsed.get(3).localAddress()); // 10.0.0.5
    assertSame(parsed.get(3).remoteAddress(), parsed.get(5).remoteAddress()); // 93.184.216.34
    assertSame(parsed.get(0).localAddress(), parsed.get(0).remoteAddress()); // 0.0.0.0
  }

  @Test
  void parsesUnixSockets() {
    List<SocketEntry> expected =
        List.of(
            SocketEntry.unix(
                UnixType.STREAM, LISTEN, "/run/dbus/system_bus_socket", 40001, 0, 0, 0),
            SocketEntry.unix(
                UnixType.STREAM, ESTABLISHED, "/run/dbus/system_bus_socket", 40002, 0, 0, 0),
            SocketEntry.unix(UnixType.STREAM, ESTABLISHED, null, 40003, 0, 0, 0),
            SocketEntry.unix(UnixType.DGRAM, CLOSE, "/run/systemd/notify", 40004, 0, 0, 0),
            SocketEntry.unix(UnixType.STREAM, LISTEN, "@/tmp/.X11-unix/X0", 40005, 0, 0, 0),
            SocketEntry.unix(UnixType.SEQPACKET, LISTEN, "/run/udev/control", 40006, 0, 0, 0),
            SocketEntry.unix(UnixType.STREAM, LISTEN, "/tmp/my socket.sock", 40007, 0, 0, 0),
            SocketEntry.unix(UnixType.STREAM, SYN_SENT, null, 40008, 0, 0, 0),
            SocketEntry.unix(UnixType.STREAM, CLOSING, null, 123456789, 0, 0, 0),
            SocketEntry.unix(UnixType.DGRAM, ESTABLISHED, "@0001e", 40010, 0, 0, 0));
    List<SocketEntry> parsed = parseUnix("fixture");
    assertEquals(expected, parsed);
    assertSame(parsed.get(0).path(), parsed.get(1).path());
  }

  @Test
  void skipsMalformedTcpLinesAndKeepsTheRest() {
    List<SocketEntry> parsed = parseInet(TCP, "malformed", "tcp");
    assertEquals(
        List.of(
            tcp4("127.0.0.1", 80, "0.0.0.0", 0, LISTEN, 0, 0, 0, 50001),
            tcp4("127.0.0.1", 81, "0.0.0.0", 0, LISTEN, 0, 0, 0, 50002),
            tcp4("127.0.0.1", 89, "0.0.0.0", 0, LISTEN, 0, 0, 0, 50010)),
        parsed);
  }

  @Test
  void skipsMalformedUnixLines() {
    assertEquals(
        List.of(
            SocketEntry.unix(UnixType.STREAM, LISTEN, "/run/a.sock", 60001, 0, 0, 0),
            SocketEntry.unix(UnixType.DGRAM, CLOSE, null, 60005, 0, 0, 0)),
        parseUnix("malformed"));
  }

  @Test
  void headerOnlyAndEmptyInputGiveNothing() {
    assertEquals(List.of(), parseInet(TCP, "empty", "tcp"));
    assertEquals(List.of(), parseInet(TCP, "empty", "tcp6"));
    assertEquals(List.of(), parseInet(UDP, "empty", "udp"));
    assertEquals(List.of(), parseUnix("empty"));
    List<SocketEntry> out = new ArrayList<>();
    assertEquals(0, ProcNetParser.parseInet(TCP, new byte[0], 0, 0, cache, out));
    assertEquals(0, ProcNetParser.parseUnix(new byte[0], 0, 0, cache, out));
    assertEquals(List.of(), out);
  }

  @Test
  void headerIsSkippedEvenWhenItLooksLikeData() {
    String line =
        "   0: 0100007F:0050 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 7 1\n";
    byte[] data = (line + line).getBytes(StandardCharsets.US_ASCII);
    List<SocketEntry> out = new ArrayList<>();
    ProcNetParser.parseInet(TCP, data, 0, data.length, cache, out);
    assertEquals(List.of(tcp4("127.0.0.1", 80, "0.0.0.0", 0, LISTEN, 0, 0, 0, 7)), out);
  }

  @Test
  void parsesOnlyTheGivenRangeAndAppends() {
    byte[] file = Fixtures.bytes("fixture", "udp");
    byte[] padded = new byte[file.length + 20];
    System.arraycopy(file, 0, padded, 10, file.length);
    padded[file.length + 10] = 'X'; // junk after the range must not be read
    List<SocketEntry> out =
        new ArrayList<>(List.of(tcp4("1.1.1.1", 1, "0.0.0.0", 0, LISTEN, 0, 0, 0, 1)));
    assertEquals(3, ProcNetParser.parseInet(UDP, padded, 10, file.length, cache, out));
    assertEquals(4, out.size());
    assertEquals(30003, out.get(3).inode());
    assertThrows(
        IndexOutOfBoundsException.class,
        () -> ProcNetParser.parseInet(UDP, file, 10, file.length, cache, out));
    assertThrows(
        IllegalArgumentException.class,
        () -> ProcNetParser.parseInet(Protocol.UNIX, file, 0, file.length, cache, out));
  }

  @Test
  void lowerCaseHexIsAccepted() {
    String text =
        "header\n   0: 0500000a:0016 1401a8c0:c822 01 00001a2b:00000010 00:00000000 00000000 0 0 99\n";
    byte[] data = text.getBytes(StandardCharsets.US_ASCII);
    List<SocketEntry> out = new ArrayList<>();
    ProcNetParser.parseInet(TCP, data, 0, data.length, cache, out);
    assertEquals(
        List.of(tcp4("10.0.0.5", 22, "192.168.1.20", 51234, ESTABLISHED, 0x1A2B, 0x10, 0, 99)),
        out);
  }

  @Test
  void protocolsOfUnixEntries() {
    Set<UnixType> types =
        parseUnix("fixture").stream()
            .map(SocketEntry::unixType)
            .collect(Collectors.toCollection(() -> EnumSet.noneOf(UnixType.class)));
    assertEquals(EnumSet.allOf(UnixType.class), types);
  }
}
