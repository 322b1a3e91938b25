package dev.portolan.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portolan.scan.policy.HostsFile;
import dev.portolan.scan.policy.ResolvConf;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the non-blocking resolver reads: /etc/hosts and /etc/resolv.conf, as glibc reads them. */
class HostResolverFilesTest {
  private static InetAddress ip(String literal) throws Exception {
    return InetAddress.getByName(literal);
  }

  @Test
  void hostsFileNamesTheirAddressesIpv4First() throws Exception {
    HostsFile hosts =
        HostsFile.parse(
            """
        # comment
        ::1        localhost ip6-localhost
        127.0.0.1  localhost   # trailing comment
        10.0.0.7   DB.internal db
        10.0.0.8   db
        fe80::1%eth0 zoned
        not-an-ip  broken
        999.1.1.1  broken2
        10.0.0.0/8 block
        """);
    assertEquals(List.of(ip("127.0.0.1"), ip("::1")), hosts.addresses("localhost"));
    assertEquals(List.of(ip("10.0.0.7")), hosts.addresses("db.internal."));
    assertEquals(List.of(ip("10.0.0.7"), ip("10.0.0.8")), hosts.addresses("DB"));
    for (String absent : List.of("zoned", "broken", "broken2", "block", "nowhere", "comment")) {
      assertEquals(List.of(), hosts.addresses(absent), absent);
    }
  }

  @Test
  void resolvConfGivesServersSearchDomainsAndNdots() throws Exception {
    ResolvConf conf =
        ResolvConf.parse(
            """
        # generated
        nameserver 10.255.255.53
        nameserver bogus
        nameserver fd00::53
        ; another comment
        domain old.example
        search corp.example. lab.example
        nameserver 10.0.0.53
        nameserver 10.0.0.54
        options ndots:2 timeout:1
        """);
    assertEquals(
        List.of(ip("10.255.255.53"), ip("fd00::53"), ip("10.0.0.53")),
        conf.servers(),
        "at most three");
    assertEquals(
        List.of("corp.example", "lab.example"), conf.search(), "the last search line wins");
    assertEquals(2, conf.ndots());
    assertEquals(List.of("db.corp.example", "db.lab.example", "db"), conf.candidates("db"));
    assertEquals(List.of("a.b.corp.example", "a.b.lab.example", "a.b"), conf.candidates("a.b"));
    assertEquals(
        List.of("a.b.c", "a.b.c.corp.example", "a.b.c.lab.example"), conf.candidates("a.b.c"));

    ResolvConf empty = ResolvConf.parse("");
    assertEquals(
        List.of(InetAddress.getLoopbackAddress()),
        empty.servers(),
        "glibc's default: the local host");
    assertEquals(1, empty.ndots());
    assertEquals(List.of("x.invalid"), empty.candidates("x.invalid"));
  }
}
