package dev.portolan.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.scan.banner.Banner;
import dev.portolan.socket.Protocol;
import java.net.InetAddress;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScanReportFormatsTest {
  private static final InetAddress LOOPBACK = InetAddress.ofLiteral("127.0.0.1");

  private static ScanRecord.Snapshot scan(List<PortResult> results, long closed) {
    return new ScanRecord.Snapshot(
        "0123456789ab",
        "node-a",
        "localhost",
        List.of(LOOPBACK),
        "1-1000",
        Protocol.TCP,
        Preset.NORMAL,
        true,
        ScanRecord.Status.COMPLETED,
        1000,
        1000,
        Map.of(
            PortState.OPEN,
            (long) results.size(),
            PortState.CLOSED,
            closed,
            PortState.FILTERED,
            0L,
            PortState.OPEN_FILTERED,
            0L),
        1_700_000_000_000L,
        1_700_000_001_500L,
        1_500_000,
        1000,
        null,
        results);
  }

  @Test
  void csvQuotesCommasAndQuotesAndDefusesFormulas() {
    PortResult ssh =
        new PortResult(
            LOOPBACK,
            22,
            Protocol.TCP,
            PortState.OPEN,
            120,
            "syn-ack",
            new Banner("ssh", "SSH-2.0-OpenSSH_9.2p1 \"Debian\", 2", null, null, null));
    PortResult web =
        new PortResult(
            LOOPBACK,
            8080,
            Protocol.TCP,
            PortState.OPEN,
            1500,
            "syn-ack",
            new Banner(
                "http",
                null,
                "=cmd|' /C calc'!A0",
                "CN=example",
                Instant.parse("2027-01-01T00:00:00Z")));
    String csv =
        ScanReportFormats.csv(
            scan(List.of(ssh, web), 998), (p, port) -> port == 8080 ? "http-alt" : null);
    String[] lines = csv.split("\r\n");
    assertEquals(ScanReportFormats.CSV_HEADER, lines[0]);
    assertEquals(
        "127.0.0.1,22,tcp,open,ssh,syn-ack,0.120,\"SSH-2.0-OpenSSH_9.2p1 \"\"Debian\"\", 2\",,,",
        lines[1]);
    assertEquals(
        "127.0.0.1,8080,tcp,open,http,syn-ack,1.500,,'=cmd|' /C calc'!A0,CN=example,2027-01-01T00:00:00Z",
        lines[2]);
    assertEquals(3, lines.length);
  }

  @Test
  void grepableLooksLikeNmapsAndCountsTheClosedPortsItLeavesOut() {
    PortResult ssh =
        new PortResult(
            LOOPBACK,
            22,
            Protocol.TCP,
            PortState.OPEN,
            120,
            "syn-ack",
            new Banner("ssh", "SSH-2.0-OpenSSH_9.2p1, with/slash", null, null, null));
    PortResult web =
        new PortResult(LOOPBACK, 80, Protocol.TCP, PortState.OPEN, 100, "syn-ack", null);
    String text =
        ScanReportFormats.grepable(
            scan(List.of(web, ssh), 998), (p, port) -> port == 80 ? "http" : null);
    String[] lines = text.split("\n");
    assertTrue(
        lines[0].startsWith(
            "# Portolan scan 0123456789ab initiated 2023-11-14T22:13:20Z on node node-a as: tcp scan of localhost ports 1-1000 preset normal"),
        lines[0]);
    assertEquals(
        "Host: 127.0.0.1 ()\tPorts: 80/open/tcp//http///, 22/open/tcp//ssh//SSH-2.0-OpenSSH_9.2p1; with|slash/\tIgnored State: closed (998)",
        lines[1]);
    assertEquals(
        "# Portolan done at 2023-11-14T22:13:21.500Z -- 1 IP address scanned in 1.50 seconds",
        lines[2]);
  }
}
