package dev.portolan.cli;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A scan in nmap's XML output format ({@code -oX}, xmloutputversion 1.05): {@code nmaprun} with
 * {@code scaninfo}, one {@code host} per address ({@code status}, {@code address}, {@code
 * hostnames}, {@code ports} with {@code extraports} for the closed ports not listed, and a {@code
 * port} element per listed port with its {@code state} and {@code service}), and {@code runstats}.
 * Element and attribute names are nmap's, so that tools reading nmap's XML read it; {@code scanner}
 * says {@code portolan}.
 */
final class NmapXml {
  private static final DateTimeFormatter TIMESTR =
      DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.ROOT);

  private NmapXml() {}

  static String of(ScanResult scan, String args) {
    long start = scan.startedAt() / 1000;
    long end = (scan.finishedAt() == 0 ? scan.startedAt() : scan.finishedAt()) / 1000;
    StringBuilder x = new StringBuilder();
    x.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE nmaprun>\n");
    x.append("<!-- Portolan scan ")
        .append(scan.id())
        .append(" initiated ")
        .append(timestr(start))
        .append(" as: ")
        .append(args.replace("--", "- -"))
        .append(" -->\n");
    x.append("<nmaprun scanner=\"portolan\" args=\"")
        .append(attr(args))
        .append("\" start=\"")
        .append(start)
        .append("\" startstr=\"")
        .append(timestr(start))
        .append("\" version=\"0.1.0\" xmloutputversion=\"1.05\">\n");
    long perAddress = scan.addresses().isEmpty() ? 0 : scan.total() / scan.addresses().size();
    x.append("<scaninfo type=\"")
        .append("udp".equals(scan.proto()) ? "udp" : "connect")
        .append("\" protocol=\"")
        .append(attr(scan.proto()))
        .append("\" numservices=\"")
        .append(perAddress)
        .append("\" services=\"")
        .append(attr(scan.ports()))
        .append("\"/>\n");
    x.append("<verbose level=\"0\"/>\n<debugging level=\"0\"/>\n");
    for (Map.Entry<String, List<ScanResult.Port>> e : scan.byAddress().entrySet()) {
      String address = e.getKey();
      x.append("<host starttime=\"")
          .append(start)
          .append("\" endtime=\"")
          .append(end)
          .append("\"><status state=\"up\" reason=\"user-set\" reason_ttl=\"0\"/>\n");
      x.append("<address addr=\"")
          .append(attr(address))
          .append("\" addrtype=\"")
          .append(address.contains(":") ? "ipv6" : "ipv4")
          .append("\"/>\n<hostnames>\n</hostnames>\n<ports>");
      long notKept = scan.notKept(address);
      if (notKept > 0) {
        String reason = NmapText.reason(scan.proto(), "closed");
        x.append("<extraports state=\"closed\" count=\"")
            .append(notKept)
            .append("\">\n<extrareasons reason=\"")
            .append(reason)
            .append("\" count=\"")
            .append(notKept)
            .append("\" proto=\"")
            .append(attr(scan.proto()))
            .append("\"/>\n</extraports>\n");
      }
      for (ScanResult.Port p : e.getValue()) {
        x.append("<port protocol=\"")
            .append(attr(p.proto()))
            .append("\" portid=\"")
            .append(p.port())
            .append("\"><state state=\"")
            .append(attr(p.state()))
            .append("\" reason=\"")
            .append(NmapText.reason(p.proto(), p.state()))
            .append("\" reason_ttl=\"0\"/>");
        if (p.service() != null || p.banner() != null) {
          x.append("<service name=\"").append(attr(p.service() == null ? "unknown" : p.service()));
          if (p.banner() != null) {
            x.append("\" extrainfo=\"").append(attr(p.banner()));
          }
          x.append("\" method=\"").append(p.banner() != null ? "probed" : "table");
          x.append("\" conf=\"").append(p.banner() != null ? "10" : "3").append("\"/>");
        }
        x.append("</port>\n");
      }
      x.append("</ports>\n");
      x.append("<times srtt=\"0\" rttvar=\"0\" to=\"0\"/>\n</host>\n");
    }
    int hosts = scan.addresses().size();
    String elapsed = String.format(Locale.ROOT, "%.2f", scan.elapsedMicros() / 1e6);
    x.append("<runstats><finished time=\"")
        .append(end)
        .append("\" timestr=\"")
        .append(timestr(end))
        .append("\" summary=\"")
        .append(
            attr(
                "Portolan done at "
                    + timestr(end)
                    + "; "
                    + hosts
                    + " IP address"
                    + (hosts == 1 ? "" : "es")
                    + " ("
                    + hosts
                    + " host"
                    + (hosts == 1 ? "" : "s")
                    + " up) scanned in "
                    + elapsed
                    + " seconds"))
        .append("\" elapsed=\"")
        .append(elapsed)
        .append("\" exit=\"")
        .append(scan.completed() ? "success" : "error");
    if (!scan.completed()) {
      x.append("\" errormsg=\"")
          .append(attr(scan.status() + (scan.error() == null ? "" : ": " + scan.error())));
    }
    x.append("\"/><hosts up=\"")
        .append(hosts)
        .append("\" down=\"0\" total=\"")
        .append(hosts)
        .append("\"/>\n</runstats>\n</nmaprun>\n");
    return x.toString();
  }

  private static String timestr(long epochSeconds) {
    return TIMESTR.format(Instant.ofEpochSecond(epochSeconds).atZone(ZoneId.systemDefault()));
  }

  /** Text as an XML attribute value: markup escaped, control characters dropped. */
  static String attr(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> b.append("&amp;");
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&apos;");
        default -> {
          if (c >= 0x20 && c != 0x7f || c == '\t') {
            b.append(c == '\t' ? ' ' : c);
          }
        }
      }
    }
    return b.toString();
  }
}
