package dev.portolan.scan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.socket.Protocol;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The ranking: from the installed nmap-services when there is one (the Nmap 7.93 figures below hold
 * when it is that version's file), else the shipped fallback.
 */
class TopPortsTest {
  /** The $Id of Nmap 7.93's nmap-services, which the figures below come from. */
  static final String NMAP_793_ID = "38442 2022-08-31";

  static void assumeNmap793() throws IOException {
    Path services = TopPorts.NMAP_SERVICES.get(0);
    Assumptions.assumeTrue(
        Files.isRegularFile(services)
            && TopPorts.source().contains(services.toString())
            && idLine(Files.readString(services, StandardCharsets.ISO_8859_1)).equals(NMAP_793_ID),
        "these figures are Nmap 7.93's: its nmap-services is not the one installed here");
  }

  /**
   * {@code nmap -sT --top-ports 100 -oX - -iL /dev/null} (Nmap 7.93), the scaninfo services
   * attribute.
   */
  static final String NMAP_TOP_100_TCP =
      "7,9,13,21-23,25-26,37,53,79-81,88,106,110-111,113,119,135,139,143-144,179,"
          + "199,389,427,443-445,465,513-515,543-544,548,554,587,631,646,873,990,993,995,1025-1029,1110,1433,1720,1723,"
          + "1755,1900,2000-2001,2049,2121,2717,3000,3128,3306,3389,3986,4899,5000,5009,5051,5060,5101,5190,5357,5432,"
          + "5631,5666,5800,5900,6000-6001,6646,7070,8000,8008-8009,8080-8081,8443,8888,9100,9999-10000,32768,"
          + "49152-49157";

  /** {@code nmap -sU --top-ports 100 -oX - -iL /dev/null} (Nmap 7.93). */
  static final String NMAP_TOP_100_UDP =
      "7,9,17,19,49,53,67-69,80,88,111,120,123,135-139,158,161-162,177,427,443,"
          + "445,497,500,514-515,518,520,593,623,626,631,996-999,1022-1023,1025-1030,1433-1434,1645-1646,1701,"
          + "1718-1719,1812-1813,1900,2000,2048-2049,2222-2223,3283,3456,3703,4444,4500,5000,5060,5353,5632,9200,10000,"
          + "17185,20031,30718,31337,32768-32769,32771,32815,33281,49152-49154,49156,49181-49182,49185-49186,49188,"
          + "49190-49194,49200-49201,65024";

  /** {@code --top-ports 20}, for each protocol. */
  static final String NMAP_TOP_20_TCP =
      "21-23,25,53,80,110-111,135,139,143,443,445,993,995,1723,3306,3389,5900,8080";

  static final String NMAP_TOP_20_UDP =
      "53,67-69,123,135,137-139,161-162,445,500,514,520,631,1434,1900,4500,49152";

  @Test
  void theMostCommonPortsComeFirstInNmapsOrder() throws IOException {
    assumeNmap793();
    assertArrayEquals(
        new int[] {80, 23, 443, 21, 22, 25, 3389, 110, 445, 139}, TopPorts.top(Protocol.TCP, 10));
    assertArrayEquals(
        new int[] {631, 161, 137, 123, 138, 1434, 445, 135, 67, 53},
        TopPorts.top(Protocol.UDP, 10));
  }

  @Test
  void topHundredAndTwentyAreNmapsSets() throws IOException {
    assumeNmap793();
    assertEquals(
        PortList.parse(NMAP_TOP_100_TCP, Protocol.TCP), PortList.parse("top:100", Protocol.TCP));
    assertEquals(
        PortList.parse(NMAP_TOP_100_UDP, Protocol.UDP), PortList.parse("top:100", Protocol.UDP));
    assertEquals(
        PortList.parse(NMAP_TOP_20_TCP, Protocol.TCP), PortList.parse("top:20", Protocol.TCP));
    assertEquals(
        PortList.parse(NMAP_TOP_20_UDP, Protocol.UDP), PortList.parse("top:20", Protocol.UDP));
    assertEquals(100, PortList.parse("top:100", Protocol.TCP).size());
  }

  @Test
  void everyRankedPortOfNmapServicesIsThereAndNoneTwice() throws IOException {
    assumeNmap793();
    assertEquals(4257, TopPorts.size(Protocol.TCP));
    assertEquals(15617, TopPorts.size(Protocol.UDP));
    for (Protocol p : new Protocol[] {Protocol.TCP, Protocol.UDP}) {
      int[] all = TopPorts.top(p, TopPorts.size(p));
      assertEquals(all.length, Arrays.stream(all).distinct().count(), p + " has duplicates");
      assertTrue(Arrays.stream(all).allMatch(x -> x >= 1 && x <= 65535));
    }
    assertEquals(1000, PortList.parse("top:1000", Protocol.TCP).size());
    assertEquals(1000, PortList.parse("top:1000", Protocol.UDP).size());
  }

  @ParameterizedTest
  @CsvSource({
    "TCP,80,1",
    "TCP,22,5",
    "TCP,3389,7",
    "TCP,5,0",
    "TCP,2024,3648",
    "UDP,631,1",
    "UDP,53,10"
  })
  void rankOfWellKnownPorts(Protocol proto, int port, int rank) throws IOException {
    assumeNmap793();
    assertEquals(rank, TopPorts.rank(proto, port));
  }

  @Test
  void askingForMoreThanTheListHoldsFails() {
    assertThrows(
        IllegalArgumentException.class,
        () -> TopPorts.top(Protocol.TCP, TopPorts.size(Protocol.TCP) + 1));
    assertThrows(IllegalArgumentException.class, () -> TopPorts.top(Protocol.TCP, -1));
    assertThrows(IllegalArgumentException.class, () -> TopPorts.size(Protocol.UNIX));
    assertEquals(0, TopPorts.top(Protocol.UDP, 0).length);
  }

  /**
   * Against the nmap installed here, whose nmap-services the ranking is read from. {@code -iL
   * /dev/null} gives nmap no target, so it sends nothing; it still prints the port set in its XML
   * scaninfo.
   */
  @ParameterizedTest
  @CsvSource({"TCP,-sT,1000", "UDP,-sU,1000", "TCP,-sT,4257", "UDP,-sU,5000"})
  void sameSetsAsTheInstalledNmap(Protocol proto, String flag, int n) throws Exception {
    Path services = Path.of("/usr/share/nmap/nmap-services");
    Assumptions.assumeTrue(
        Files.isRegularFile(services) && Files.isExecutable(Path.of("/usr/bin/nmap")),
        "nmap is not installed here (/usr/bin/nmap, /usr/share/nmap/nmap-services): nothing to compare with");
    Assumptions.assumeTrue(
        TopPorts.source().contains(services.toString()),
        "the ranking does not come from " + services + ": " + TopPorts.source());
    Process nmap =
        new ProcessBuilder(
                "/usr/bin/nmap",
                flag,
                "-n",
                "--top-ports",
                String.valueOf(n),
                "-oX",
                "-",
                "-iL",
                "/dev/null")
            .redirectErrorStream(true)
            .start();
    String xml = new String(nmap.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(nmap.waitFor(30, TimeUnit.SECONDS));
    Matcher m = Pattern.compile(" services=\"([0-9,\\-]+)\"").matcher(xml);
    assertTrue(m.find(), xml);
    Set<Integer> fromNmap = new HashSet<>();
    for (String item : m.group(1).split(",")) {
      String[] range = item.split("-");
      for (int p = Integer.parseInt(range[0]);
          p <= Integer.parseInt(range[range.length - 1]);
          p++) {
        fromNmap.add(p);
      }
    }
    Set<Integer> ours = new HashSet<>(Arrays.stream(TopPorts.top(proto, n)).boxed().toList());
    assertEquals(n, fromNmap.size());
    assertEquals(fromNmap, ours);
  }

  private static String idLine(String text) throws IOException {
    Matcher m = Pattern.compile("\\$Id: nmap-services (\\d+) ([0-9-]+)").matcher(text);
    return m.find() ? m.group(1) + " " + m.group(2) : "unknown";
  }

  @Test
  void nmapServicesRankByFrequencyThenPortWithoutZeros(@org.junit.jupiter.api.io.TempDir Path dir)
      throws IOException {
    Path file =
        Files.writeString(
            dir.resolve("nmap-services"),
            "# $Id: nmap-services 1 2024-01-01 $\n"
                + "http\t80/tcp\t0.484143\t# World Wide Web HTTP\n"
                + "domain\t53/udp\t0.213496\n"
                + "b\t9/tcp\t0.001\n"
                + "a\t7/tcp\t0.001\n"
                + "zero\t5/tcp\t0.000000\n"
                + "ssh\t22/tcp\t0.182286\t# Secure Shell Login\n");
    assertArrayEquals(new int[] {80, 22, 7, 9}, TopPorts.fromNmapServices(file, Protocol.TCP));
    assertArrayEquals(new int[] {53}, TopPorts.fromNmapServices(file, Protocol.UDP));
  }

  @Test
  void theFallbackRanksTheHandPickedPortsFirstThenEveryOtherPort() {
    for (Protocol p : new Protocol[] {Protocol.TCP, Protocol.UDP}) {
      int[] all = TopPorts.fallback(p);
      assertEquals(65535, all.length, p + ": every port");
      assertEquals(65535, Arrays.stream(all).distinct().count(), p + " has duplicates");
    }
    assertArrayEquals(new int[] {80, 443, 8080}, Arrays.copyOf(TopPorts.fallback(Protocol.TCP), 3));
    assertArrayEquals(new int[] {53, 123}, Arrays.copyOf(TopPorts.fallback(Protocol.UDP), 2));
    int[] tcp = TopPorts.fallback(Protocol.TCP);
    assertTrue(tcp[tcp.length - 1] == 65535, "the rest ascending, to 65535");
  }
}
