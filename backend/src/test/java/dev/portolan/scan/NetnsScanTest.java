package dev.portolan.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Wide scans, each in network namespaces of its own (so every port of 1-65535 is the test's to
 * probe): a child JVM holds the targets, another one scans them, both behind {@code ip netns exec}.
 * Needs root and iproute2; skips with the reason otherwise.
 */
@Timeout(180)
class NetnsScanTest {
  private static final long PID = ProcessHandle.current().pid();
  private static final List<String> NAMESPACES = new ArrayList<>();
  private static String ip;

  @BeforeAll
  static void needsRootAndIp() {
    Assumptions.assumeTrue(
        ScanFixtures.isRoot(), "needs root to create network namespaces (ip netns add)");
    ip = ScanFixtures.which("ip");
    Assumptions.assumeTrue(ip != null, "needs iproute2's ip to create network namespaces");
  }

  @AfterAll
  static void removeNamespaces() throws Exception {
    for (String ns : NAMESPACES) {
      sh(false, ip, "netns", "del", ns);
    }
  }

  private static String namespace(String tag) throws Exception {
    String ns = "portolan-scan-" + PID + "-" + tag;
    NAMESPACES.add(ns);
    sh(false, ip, "netns", "del", ns);
    sh(true, ip, "netns", "add", ns);
    sh(true, ip, "-n", ns, "link", "set", "lo", "up");
    return ns;
  }

  private static String sh(boolean check, String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("timed out: " + String.join(" ", command));
    }
    if (check && p.exitValue() != 0) {
      throw new IOException(String.join(" ", command) + " exited " + p.exitValue() + ": " + out);
    }
    return out;
  }

  private static List<String> in(String ns) {
    return List.of(ip, "netns", "exec", ns);
  }

  /** One scan's report from {@link ScanChild}. */
  private record Report(
      String run, Map<Integer, String> notClosed, Map<String, Integer> counts, String stats) {
    static Report read(Child scanner) throws IOException {
      String run = null;
      String stats = null;
      Map<Integer, String> notClosed = new TreeMap<>();
      Map<String, Integer> counts = new TreeMap<>();
      for (String line : scanner.until("END")) {
        String[] f = line.split(" ");
        switch (f[0]) {
          case "RUN" -> run = line;
          case "NC" -> notClosed.put(Integer.parseInt(f[1]), f[2] + " " + f[3]);
          case "COUNT" -> counts.put(f[1], Integer.parseInt(f[2]));
          case "STATS" -> stats = line;
          default -> throw new AssertionError("unexpected line from the scanner: " + line);
        }
      }
      return new Report(run, notClosed, counts, stats);
    }

    String status() {
      return run.split(" ")[2];
    }

    double seconds() {
      return Long.parseLong(run.split(" ")[3]) / 1e6;
    }

    long stat(String name) {
      for (String f : stats.split(" ")) {
        if (f.startsWith(name + "=")) {
          return Long.parseLong(f.substring(name.length() + 1));
        }
      }
      throw new AssertionError("no " + name + " in " + stats);
    }
  }

  private static TreeSet<Integer> ports(List<String> lines, String kind) {
    TreeSet<Integer> out = new TreeSet<>();
    for (String line : lines) {
      if (line.startsWith(kind + " ")) {
        out.add(Integer.parseInt(line.substring(kind.length() + 1)));
      }
    }
    return out;
  }

  @Test
  void fullTcpScanFindsExactlyTheListenersThreeTimesInARow() throws Exception {
    String ns = namespace("tcp");
    try (Child targets =
        Child.start(in(ns), "targets", "127.0.0.1", "100", "0", "1", "1", Long.toString(PID))) {
      TreeSet<Integer> listening = ports(targets.until("READY"), "TCP");
      assertEquals(100, listening.size());
      try (Child scanner =
          Child.start(in(ns), "scan", "tcp", "-", "aggressive", "3", "127.0.0.1")) {
        for (int run = 0; run < 3; run++) {
          Report r = Report.read(scanner);
          assertEquals("COMPLETED", r.status(), r.run());
          Map<Integer, String> expected = new TreeMap<>();
          listening.forEach(p -> expected.put(p, "open syn-ack"));
          assertEquals(expected, r.notClosed(), "run " + run + ": the open ports");
          assertEquals(Map.of("closed", 65535 - 100, "open", 100), r.counts(), "run " + run);
          assertEquals(
              Math.min(Preset.AGGRESSIVE.lanes(), Runtime.getRuntime().availableProcessors()),
              r.stat("lanes"),
              "lanes probing");
          System.out.printf(
              "full TCP scan in a netns, run %d: %.3f s, %s%n", run, r.seconds(), r.stats());
        }
      }
    }
  }

  @Test
  void udpRangeFindsTheSilentOnesOpenFilteredTheDnsServerOpenAndEverythingElseClosed()
      throws Exception {
    String ns = namespace("udp");
    try (Child targets =
        Child.start(
            in(ns), "targets", "127.0.0.1", "0", "5", "1", "2000", Long.toString(PID), "dns53")) {
      List<String> lines = targets.until("READY");
      TreeSet<Integer> silent = ports(lines, "UDP");
      assertEquals(5, silent.size());
      assertTrue(lines.contains("DNS 53"));
      try (Child scanner =
          Child.start(in(ns), "scan", "udp", "1-2000", "aggressive", "2", "127.0.0.1")) {
        for (int run = 0; run < 2; run++) {
          Report r = Report.read(scanner);
          assertEquals("COMPLETED", r.status(), r.run());
          Map<Integer, String> expected = new TreeMap<>();
          silent.forEach(p -> expected.put(p, "open|filtered no-response"));
          // port 53 gets the DNS query (UdpPayloads' default), which the responder there answers
          expected.put(53, "open udp-response");
          assertEquals(expected, r.notClosed(), "run " + run);
          assertEquals(2000 - 6, r.counts().get("closed"), "run " + run);
          System.out.printf(
              "UDP 1-2000 in a netns, run %d: %.3f s, %s%n", run, r.seconds(), r.stats());
        }
      }
    }
  }

  /**
   * The target sits behind a veth in a namespace of its own, where Linux's ICMP rate limits apply
   * (they do not on loopback): only so many port unreachables a second get out, the rest of the
   * closed ports look silent. The scan must notice, slow down and still call every closed port
   * closed. Two limits: the namespace-wide one at 500/s (burst 50, each message costing 0 to 2
   * tokens), and the per-destination one at 50/s (burst 6; by default it is 1/s, which would make
   * the test minutes long).
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource({"global 500/s, 0, 500, 800", "per destination 50/s, 20, 1000, 150"})
  void udpStaysExactBehindAnIcmpRateLimit(
      String name, int perDestinationMs, int globalPerSecond, int ports) throws Exception {
    String tag = "rl" + perDestinationMs;
    String a = namespace(tag + "-a");
    String b = namespace(tag + "-b");
    sh(
        true, ip, "link", "add", "pva", "netns", a, "type", "veth", "peer", "name", "pvb", "netns",
        b);
    sh(true, ip, "-n", a, "addr", "add", "192.0.2.1/24", "dev", "pva");
    sh(true, ip, "-n", b, "addr", "add", "192.0.2.2/24", "dev", "pvb");
    sh(true, ip, "-n", a, "link", "set", "pva", "up");
    sh(true, ip, "-n", b, "link", "set", "pvb", "up");
    sh(
        true,
        ip,
        "netns",
        "exec",
        b,
        "sysctl",
        "-qw",
        "net.ipv4.icmp_ratelimit=" + perDestinationMs,
        "net.ipv4.icmp_msgs_per_sec=" + globalPerSecond,
        "net.ipv4.icmp_msgs_burst=50");
    try (Child targets =
        Child.start(
            in(b),
            "targets",
            "192.0.2.2",
            "0",
            "3",
            "1",
            Integer.toString(ports),
            Long.toString(PID))) {
      TreeSet<Integer> silent = ports(targets.until("READY"), "UDP");
      long limitedBefore = rateLimitedIcmp(b);
      try (Child scanner =
          Child.start(in(a), "scan", "udp", "1-" + ports, "aggressive", "1", "192.0.2.2")) {
        Report r = Report.read(scanner);
        long limited = rateLimitedIcmp(b) - limitedBefore;
        assertEquals("COMPLETED", r.status(), r.run());
        Map<Integer, String> expected = new TreeMap<>();
        silent.forEach(p -> expected.put(p, "open|filtered no-response"));
        assertEquals(expected, r.notClosed(), r.stats());
        assertEquals(ports - 3, r.counts().get("closed"), r.stats());
        // the limiter did drop unreachables, and the engine saw it and set a pace
        assertTrue(limited > 0, "no ICMP rate limiting happened; the test proves nothing");
        assertTrue(r.stat("drops") > 0 && r.stat("pace") > 0, r.stats());
        System.out.printf(
            "UDP 1-%d behind an ICMP limit (%s): %.3f s, %d unreachables dropped by the kernel, %s%n",
            ports, name, r.seconds(), limited, r.stats());
      }
    }
  }

  /**
   * ICMP errors the namespace's kernel did not send for its rate limits (global and per
   * destination).
   */
  private static long rateLimitedIcmp(String ns) throws Exception {
    String[] lines = sh(true, ip, "netns", "exec", ns, "cat", "/proc/net/snmp").split("\n");
    for (int i = 0; i + 1 < lines.length; i++) {
      if (lines[i].startsWith("Icmp:") && lines[i + 1].startsWith("Icmp:")) {
        List<String> names = List.of(lines[i].split(" "));
        String[] values = lines[i + 1].split(" ");
        int global = names.indexOf("OutRateLimitGlobal");
        int host = names.indexOf("OutRateLimitHost");
        Assumptions.assumeTrue(
            global > 0 && host > 0, "this kernel does not count rate-limited ICMP");
        return Long.parseLong(values[global]) + Long.parseLong(values[host]);
      }
    }
    throw new AssertionError("no Icmp lines in /proc/net/snmp");
  }

  @Test
  void cancellingAFullScanStopsEveryLaneAndClosesEverySocket() throws Exception {
    String ns = namespace("cancel");
    try (Child scanner = Child.start(in(ns), "cancel", "127.0.0.1")) {
      String[] f = scanner.until("END").get(0).split(" ");
      assertEquals("CANCELLED", f[0]);
      assertEquals("CANCELLED", f[1], "outcome status");
      int results = Integer.parseInt(f[2]);
      assertTrue(results > 65535 / 3 && results < 65535, "results " + results);
      assertEquals(Long.parseLong(f[7]), results, "results in the outcome vs onResult calls");
      assertEquals(
          Math.min(Preset.AGGRESSIVE.lanes(), Runtime.getRuntime().availableProcessors()),
          Integer.parseInt(f[3]),
          "lanes");
      assertTrue(Long.parseLong(f[4]) < 500, "cancel took " + f[4] + " ms");
      assertTrue(
          Long.parseLong(f[6]) <= Long.parseLong(f[5]),
          "sockets and selectors before " + f[5] + ", after " + f[6]);
    }
  }

  /**
   * Where the routing table says no: "unreachable" routes give host-unreach, no route at all
   * net-unreach.
   */
  @Test
  void unreachableAddressesAreFilteredWithTheReason() throws Exception {
    String ns = namespace("unreach");
    sh(true, ip, "-n", ns, "route", "add", "unreachable", "203.0.113.0/24");
    for (String proto : List.of("tcp", "udp")) {
      // 203.0.113.7: an unreachable route; 192.0.2.77: no route at all (the namespace has only lo)
      try (Child scanner =
          Child.start(
              in(ns), "scan", proto, "20-29", "aggressive", "1", "203.0.113.7,192.0.2.77")) {
        List<String> lines = scanner.until("END");
        assertTrue(lines.get(0).startsWith("RUN 0 COMPLETED"), lines.get(0));
        Map<String, Integer> reasons = new TreeMap<>();
        for (String line : lines) {
          String[] f = line.split(" ");
          if (f[0].equals("NC")) {
            assertEquals("filtered", f[2], line);
            reasons.merge(f[4] + " " + f[3], 1, Integer::sum);
          }
        }
        assertEquals(
            Map.of("192.0.2.77 net-unreach", 10, "203.0.113.7 host-unreach", 10), reasons, proto);
      }
    }
  }

  /**
   * A neighbour that swallows everything: its (permanent, made-up) MAC address belongs to no one,
   * so the frames leave through a veth and the other end drops them as not its own. No answer at
   * all, as behind a dropping firewall.
   */
  @Test
  void anAddressThatNeverAnswersIsFilteredForTcpAndOpenFilteredForUdp() throws Exception {
    String ns = namespace("void");
    sh(true, ip, "-n", ns, "link", "add", "void0", "type", "veth", "peer", "name", "void1");
    sh(true, ip, "-n", ns, "addr", "add", "198.51.100.1/24", "dev", "void0");
    sh(true, ip, "-n", ns, "link", "set", "void0", "up");
    sh(true, ip, "-n", ns, "link", "set", "void1", "up");
    sh(
        true,
        ip,
        "-n",
        ns,
        "neigh",
        "add",
        "198.51.100.2",
        "lladdr",
        "02:00:5e:00:53:02",
        "dev",
        "void0",
        "nud",
        "permanent");
    for (String proto : List.of("tcp", "udp")) {
      try (Child scanner =
          Child.start(in(ns), "scan", proto, "1-40", "aggressive", "1", "198.51.100.2")) {
        Report r = Report.read(scanner);
        assertEquals("COMPLETED", r.status(), r.run());
        String state = proto.equals("tcp") ? "filtered" : "open|filtered";
        assertEquals(Map.of(state, 40), r.counts(), r.stats());
        assertTrue(
            r.notClosed().values().stream().allMatch((state + " no-response")::equals),
            r.notClosed().toString());
        assertEquals(40L * Preset.AGGRESSIVE.maxRetries(), r.stat("retransmits"), r.stats());
      }
    }
  }
}
