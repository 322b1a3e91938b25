package dev.portolan.fuzz;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * Generators of bad (and some good) values for every parameter, form field and body field the
 * endpoints take, by name: ports, port ranges, CIDRs, host names, pids, cursors, filters, scan ids,
 * node names, over-long values.
 *
 * <p><b>Safety.</b> A host and a port (or a target and its ports) are generated together ({@link
 * #field} {@code "host+port"}, {@code "target+ports"}): a loopback or otherwise local target only
 * ever comes with ports this test opened ({@link #openedPorts}) or with a port spec that cannot be
 * parsed ({@link #INVALID_PORT_SPECS}); any other target is one the node's scan policy refuses
 * (documentation ranges, {@code .invalid} names, bad syntax), so no probe ever leaves for a port
 * the test does not own (PID 1 listens on 2024 here).
 */
final class FuzzValues {
  private FuzzValues() {}

  /** Ports the test opened on 127.0.0.1 (TCP and UDP); set before the first try. */
  static volatile List<Integer> openedPorts = List.of();

  /** Port specs {@code PortList.parse} refuses (checked by the suite before it starts). */
  static final List<String> INVALID_PORT_SPECS =
      List.of(
          "",
          "   ",
          "abc",
          "70000",
          "65536",
          "0",
          "1-70000",
          "top:abc",
          "top:",
          "1,,2",
          ",",
          "22-abc",
          "0x16",
          "1e3",
          "\u0662\u0662",
          "80;81",
          "port",
          "22 23",
          "--",
          "1-2-3",
          "top:1x",
          "99999999999999999999",
          "22,",
          "+22",
          "１２",
          "1,x".repeat(3),
          "1,".repeat(2100) + "1");

  /** Query values that are junk for any parameter. */
  static Arbitrary<String> junk() {
    return Arbitraries.oneOf(
        Arbitraries.of(
            "",
            " ",
            "%",
            "null",
            "undefined",
            "NaN",
            "-",
            "\u0000",
            "\u202e",
            "😀",
            "<script>alert(1)</script>",
            "' OR 1=1 --",
            "../../etc/passwd",
            "${jndi:ldap://x}",
            "%00",
            "\\",
            "\"",
            "[]",
            "{}",
            "true",
            "-0",
            "0",
            "1e999",
            "9".repeat(40),
            "-9223372036854775809",
            "0x7fffffff",
            "\t",
            "a,b,,c"),
        Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(40),
        Arbitraries.strings().all().ofMaxLength(12),
        longValue());
  }

  /** An over-long value: from a few hundred characters to most of what a request line may hold. */
  static Arbitrary<String> longValue() {
    return Arbitraries.integers()
        .between(300, 3500)
        .flatMap(
            n ->
                Arbitraries.of("a", "9", "%", "é", "1,", "tcp,", "x y")
                    .map(s -> s.repeat(Math.max(1, n / s.length()))));
  }

  static Arbitrary<String> ports() {
    return Arbitraries.oneOf(
        Arbitraries.integers().between(0, 65535).map(String::valueOf),
        Arbitraries.of(
            "-1",
            "65536",
            "70000",
            "99999999999",
            "2147483648",
            "-2147483649",
            "1e3",
            "0x50",
            " 22",
            "22 ",
            "22abc",
            "\u0662\u0662",
            "１２",
            "+22",
            "022",
            "22.0",
            "",
            "tcp/22",
            "22,23"),
        junk());
  }

  static Arbitrary<String> portRanges() {
    return Arbitraries.oneOf(
        Combinators.combine(
                Arbitraries.integers().between(-10, 70000),
                Arbitraries.integers().between(-10, 70000))
            .as((a, b) -> a + "-" + b),
        Arbitraries.of(INVALID_PORT_SPECS),
        Arbitraries.of(
            "-", "top:100", "top:0", "top:-1", "top:99999", "1-65535", "-1024", "60000-"),
        junk());
  }

  static Arbitrary<String> pids() {
    return Arbitraries.oneOf(
        Arbitraries.integers().between(-5, 5_000_000).map(String::valueOf),
        Arbitraries.of(
            "0",
            "-1",
            "1",
            "4194304",
            "4194305",
            "2147483647",
            "2147483648",
            "99999999999999999999",
            "abc",
            "1.5",
            "1e3",
            "0x10",
            " 1",
            "self",
            "%20"),
        junk());
  }

  static Arbitrary<String> nodeNames() {
    return Arbitraries.oneOf(
        Arbitraries.of(
            "test-node",
            "TEST-NODE",
            "test-node ",
            "elsewhere",
            "",
            " ",
            "..",
            "/",
            "a/b",
            "node\u0000",
            "nöde",
            "*"),
        Arbitraries.strings()
            .withCharRange('a', 'z')
            .withChars('-', '.', '_')
            .ofMinLength(1)
            .ofMaxLength(30),
        junk());
  }

  static Arbitrary<String> protos() {
    return Arbitraries.oneOf(
        Arbitraries.of(
            "tcp",
            "udp",
            "unix",
            "tcp4",
            "tcp6",
            "udp4",
            "udp6",
            "inet",
            "inet6",
            "TCP",
            "icmp",
            "sctp",
            "tcp,udp",
            "tcp,,udp",
            ",",
            "tcp,icmp",
            "raw",
            ""),
        junk());
  }

  static Arbitrary<String> states() {
    List<String> valid =
        List.of(
            "listen",
            "established",
            "syn-sent",
            "syn-recv",
            "fin-wait-1",
            "fin-wait-2",
            "time-wait",
            "closed",
            "close-wait",
            "last-ack",
            "closing",
            "connected");
    return Arbitraries.oneOf(
        Arbitraries.of(valid).list().ofMinSize(1).ofMaxSize(4).map(l -> String.join(",", l)),
        Arbitraries.of("LISTEN", "dancing", "listen,", "listen,,established", "estab", "syn_sent"),
        junk());
  }

  static Arbitrary<String> booleans() {
    return Arbitraries.oneOf(
        Arbitraries.of("true", "false", "TRUE", "yes", "1", "0", "on", "perhaps", ""), junk());
  }

  static Arbitrary<String> limits() {
    return Arbitraries.oneOf(
        Arbitraries.integers().between(-2, 20_000).map(String::valueOf),
        Arbitraries.of("many", "1.5", "10000000000", "1e3"),
        junk());
  }

  /** Cursors: base64 of random bytes, of plausible-looking text, truncated ones, and junk. */
  static Arbitrary<String> cursors() {
    var b64 = java.util.Base64.getUrlEncoder().withoutPadding();
    return Arbitraries.oneOf(
        Arbitraries.bytes().array(byte[].class).ofMaxSize(60).map(b64::encodeToString),
        Arbitraries.strings()
            .withCharRange(' ', '~')
            .ofMaxLength(40)
            .map(s -> b64.encodeToString(s.getBytes())),
        Arbitraries.of(
            "c1", "tcp|1|2", "0|0|0", "c1|9999999999999999999", "YzEx", "YzE", "====", "a=b"),
        Arbitraries.strings().withCharRange('A', 'z').ofMaxLength(30),
        junk());
  }

  static Arbitrary<String> eventIds() {
    return Arbitraries.oneOf(
        Arbitraries.longs().between(-10, Long.MAX_VALUE).map(String::valueOf),
        Arbitraries.of("abc", "-4", "9999999999999999999999", "1.0", "0"),
        junk());
  }

  static Arbitrary<String> changes() {
    return Arbitraries.oneOf(
        Arbitraries.of("opened", "closed", "state-changed", "owner-changed", "short-lived")
            .list()
            .ofMinSize(1)
            .ofMaxSize(3)
            .map(l -> String.join(",", l)),
        Arbitraries.of("born", "opened,", "OPENED"),
        junk());
  }

  static Arbitrary<String> scanIds() {
    return Arbitraries.oneOf(
        Arbitraries.strings().withChars("0123456789abcdef").ofLength(12),
        Arbitraries.strings().withChars("0123456789abcdefABCDEFxyz").ofMinLength(0).ofMaxLength(20),
        Arbitraries.of("0", "000000000000", "FFFFFFFFFFFF", "%2e%2e", "..", "events"),
        junk());
  }

  static Arbitrary<String> cidrs() {
    return Arbitraries.oneOf(
        Combinators.combine(
                Arbitraries.integers().between(0, 300), Arbitraries.integers().between(-1, 40))
            .as((a, p) -> "10." + a + ".0.0/" + p),
        Arbitraries.of(
            "0.0.0.0/0",
            "::/0",
            "2001:db8::/32",
            "2001:db8::/129",
            "192.0.2.0/24",
            "192.0.2.0/33",
            "10.0.0.0/8",
            "1.2.3.4/",
            "/24",
            "1.2.3/24",
            "::g/64",
            "fe80::1%eth0/64"),
        junk());
  }

  /**
   * The networks foreign targets come from (documentation ranges: the test checks before it starts
   * that none of them holds an address of this host; some sandboxes number their own interfaces
   * from 192.0.2.0/24).
   */
  static final List<String> FOREIGN_NETWORKS =
      List.of("198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32");

  /**
   * Host names and addresses no policy here allows, nor any resolver answers with a local address.
   */
  static Arbitrary<String> foreignHosts() {
    return Arbitraries.oneOf(
        Arbitraries.strings()
            .withCharRange('a', 'z')
            .withChars('-', '.')
            .ofMinLength(1)
            .ofMaxLength(70)
            .map(s -> s + ".invalid"),
        Arbitraries.integers().between(0, 255).map(i -> "198.51.100." + i),
        Arbitraries.integers().between(0, 255).map(i -> "198.51.100." + i + "," + "203.0.113." + i),
        Combinators.combine(
                Arbitraries.of("198.51.100.0", "203.0.113.128", "2001:db8::"),
                Arbitraries.integers().between(-1, 140))
            .as((n, p) -> n + "/" + p),
        Arbitraries.of(
            "2001:db8::1",
            "[2001:db8::1]",
            "256.1.1.1",
            "1.2.3.4.5",
            "::g",
            "a..b",
            "-a-.invalid",
            "x".repeat(64) + ".invalid",
            "x".repeat(300),
            "host name.invalid",
            "host!",
            "\u00fc.invalid",
            "%00",
            "198.51.100.1,127.0.0.1",
            "2001:db8::/120",
            "2001:db8::1%eth0",
            "1.2.3.4/",
            "/24",
            "1.2.3/24",
            ""),
        junk().filter(FuzzValues::notLocalName));
  }

  /** Loopback and local targets: only ever paired with opened ports or unparseable port specs. */
  static Arbitrary<String> localHosts() {
    return Arbitraries.of(
        "127.0.0.1",
        "localhost",
        "::1",
        "[::1]",
        "127.0.0.2",
        "0.0.0.0",
        "::",
        "127.0.0.1/32",
        "127.0.0.0/30",
        "::ffff:127.0.0.1",
        "LOCALHOST",
        "127.1",
        " 127.0.0.1 ",
        "127.0.0.1,::1");
  }

  private static boolean notLocalName(String s) {
    String t = s.strip().toLowerCase(java.util.Locale.ROOT);
    // junk may not be a name a resolver could map to this host: keep it to values no resolver takes
    return t.isEmpty()
        || t.contains(" ")
        || t.contains("!")
        || t.contains("%")
        || t.contains("\u0000")
        || t.contains("<")
        || t.contains("$")
        || t.contains("'")
        || t.contains("\"")
        || t.length() > 255;
  }

  /** Ports the test opened, as one port, a list or a one-port range. */
  static Arbitrary<String> openedPortSpecs() {
    return Arbitraries.oneOf(
        Arbitraries.of(openedPorts).map(String::valueOf),
        Arbitraries.of(openedPorts)
            .list()
            .ofMinSize(1)
            .ofMaxSize(3)
            .map(l -> String.join(",", l.stream().map(String::valueOf).toList())),
        Arbitraries.of(openedPorts).map(p -> p + "-" + p));
  }

  /**
   * The (name, value) pairs of one field key: a plain name, or a pair generated together ({@code
   * host+port}, {@code target+ports}, see the class comment). A value may be left out (a missing
   * field).
   */
  static Arbitrary<List<String[]>> field(String key) {
    int colon = key.indexOf(':');
    if (colon > 0) { // name:generator, e.g. ports:unparseable-ports
      String name = key.substring(0, colon);
      return value(key.substring(colon + 1)).map(v -> List.<String[]>of(new String[] {name, v}));
    }
    int plus = key.indexOf('+');
    if (plus < 0) {
      return value(key).map(v -> List.<String[]>of(new String[] {key, v}));
    }
    String host = key.substring(0, plus);
    String port = key.substring(plus + 1);
    boolean spec = port.equals("ports");
    Arbitrary<String> invalidPorts =
        spec
            ? Arbitraries.of(INVALID_PORT_SPECS)
            : Arbitraries.of(
                "0", "-1", "65536", "70000", "abc", "", "1e3", "99999999999", "\u0662\u0662");
    Arbitrary<String[]> local =
        Combinators.combine(
                localHosts(),
                Arbitraries.oneOf(
                    openedPortSpecs().filter(p -> spec || !p.contains(",") && !p.contains("-")),
                    invalidPorts))
            .as((h, p) -> new String[] {h, p});
    Arbitrary<String[]> foreign =
        Combinators.combine(foreignHosts(), spec ? portRanges() : ports())
            .as((h, p) -> new String[] {h, p});
    Arbitrary<String[]> missingHost =
        (spec ? portRanges() : ports()).map(p -> new String[] {null, p});
    return Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(3, local),
            net.jqwik.api.Tuple.of(5, foreign),
            net.jqwik.api.Tuple.of(1, missingHost),
            // a scan without ports scans the default list: only a foreign target may come without
            // them
            net.jqwik.api.Tuple.of(
                1,
                (spec ? foreignHosts() : Arbitraries.oneOf(localHosts(), foreignHosts()))
                    .map(h -> new String[] {h, null})))
        .map(
            hp -> {
              List<String[]> out = new ArrayList<>(2);
              if (hp[0] != null) {
                out.add(new String[] {host, hp[0]});
              }
              if (hp[1] != null) {
                out.add(new String[] {port, hp[1]});
              }
              return out;
            });
  }

  private static final Map<String, Supplier<Arbitrary<String>>> BY_NAME =
      Map.ofEntries(
          Map.entry("node", FuzzValues::nodeNames),
          Map.entry("from", FuzzValues::nodeNames),
          Map.entry("name", FuzzValues::nodeNames),
          Map.entry("proto", FuzzValues::protos),
          Map.entry("state", FuzzValues::states),
          Map.entry("listening", FuzzValues::booleans),
          Map.entry("banners", FuzzValues::booleans),
          Map.entry("port", FuzzValues::ports),
          Map.entry("local-port", FuzzValues::ports),
          Map.entry("remote-port", FuzzValues::ports),
          Map.entry("pid", FuzzValues::pids),
          Map.entry("limit", FuzzValues::limits),
          Map.entry("cursor", FuzzValues::cursors),
          Map.entry("last-event-id", FuzzValues::eventIds),
          Map.entry("change", FuzzValues::changes),
          Map.entry("id", FuzzValues::scanIds),
          Map.entry("scan", FuzzValues::scanIds),
          // a policy change may only ever allow loopback: the suite's foreign targets must stay
          // refused
          Map.entry(
              "allow",
              () ->
                  Arbitraries.oneOf(
                      Arbitraries.of(
                          "127.0.0.0/8",
                          "::1/128",
                          "127.0.0.1",
                          "",
                          "10.0.0.0/99",
                          "::1/200",
                          "not-a-cidr",
                          "127.0.0.1,,",
                          "[::1]/128"),
                      junk().filter(j -> !j.contains(".") && !j.contains(":")))),
          Map.entry(
              "role",
              () ->
                  Arbitraries.oneOf(
                      Arbitraries.of("viewer", "operator", "admin", "root", "VIEWER", ""), junk())),
          Map.entry(
              "kind",
              () ->
                  Arbitraries.oneOf(
                      Arbitraries.of(
                          "tcp-scan",
                          "udp-scan",
                          "exposure",
                          "connectivity",
                          "reachability",
                          "scan",
                          ""),
                      junk())),
          Map.entry(
              "outcome",
              () -> Arbitraries.oneOf(Arbitraries.of("accepted", "refused", "lost", ""), junk())),
          Map.entry(
              "then",
              () ->
                  Arbitraries.oneOf(
                      Arbitraries.of(
                          "/",
                          "/scans",
                          "//evil.example",
                          "https://evil.example/",
                          "/\\evil",
                          "javascript:alert(1)",
                          "",
                          "%2F%2Fevil"),
                      junk())),
          Map.entry(
              "format",
              () ->
                  Arbitraries.oneOf(
                      Arbitraries.of("json", "csv", "grepable", "xml", "CSV", ""), junk())),
          Map.entry(
              "preset",
              () ->
                  Arbitraries.oneOf(
                      Arbitraries.of("polite", "normal", "aggressive", "insane", ""), junk())),
          Map.entry("timeout", FuzzValues::limits),
          Map.entry("timeoutMillis", FuzzValues::limits),
          Map.entry(
              "q",
              () ->
                  Arbitraries.oneOf(
                      Arbitraries.of(
                          "5432",
                          "tcp/5432",
                          "udp/53",
                          "10.0.",
                          "10.0.0.0/24",
                          "tcp/99999",
                          "udp/",
                          "/",
                          "::1",
                          "[",
                          "10.0.0.0/99",
                          "tcp/-1"),
                      cidrs(),
                      ports(),
                      junk())),
          // exposure scans start from the node's own listeners: only ever with a port spec that
          // cannot be parsed
          Map.entry(
              "unparseable-ports",
              () -> Arbitraries.of(INVALID_PORT_SPECS).filter(s -> !s.isBlank())),
          Map.entry(
              "path",
              () ->
                  Arbitraries.oneOf(
                      Arbitraries.of(
                          "htmx.min.js",
                          "../../../etc/passwd",
                          "%2e%2e/%2e%2e/",
                          "..%2f..%2f",
                          "//",
                          "style.css",
                          "x.css%00.js",
                          "a/b/c",
                          "..\\",
                          ".\\",
                          "..%5c",
                          "%2e%2e%5c",
                          "a\\..\\b",
                          "\u0000",
                          "x\u0000.css",
                          ".",
                          "..",
                          "./portolan.css"),
                      junk())));

  /** The values of parameter or field {@code name}; unknown names get junk. */
  static Arbitrary<String> value(String name) {
    Supplier<Arbitrary<String>> s = BY_NAME.get(name);
    return s == null ? junk() : s.get();
  }
}
