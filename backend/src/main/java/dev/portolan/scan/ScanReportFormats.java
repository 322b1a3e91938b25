package dev.portolan.scan;

import dev.portolan.scan.banner.Banner;
import dev.portolan.socket.AddressText;
import java.net.InetAddress;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * A scan's results as text other tools read: CSV (RFC 4180, one row per kept result) and nmap's
 * grepable format ({@code -oG}: one {@code Host:} line per address with its ports as {@code
 * port/state/proto//service//banner/}, and the closed ports not listed counted as {@code Ignored
 * State}).
 */
public final class ScanReportFormats {
  private ScanReportFormats() {}

  public static final String CSV_HEADER =
      "address,port,proto,state,service,reason,rtt_ms,banner,server,tls_subject,tls_not_after";

  /**
   * {@code serviceName} gives the well-known name of a (proto, port) when the banner did not say.
   */
  public static String csv(ScanRecord.Snapshot scan, ServiceLookup serviceName) {
    StringBuilder out = new StringBuilder(CSV_HEADER).append("\r\n");
    for (PortResult r : scan.results()) {
      Banner b = r.banner();
      out.append(field(AddressText.of(r.address().getAddress())))
          .append(',')
          .append(r.port())
          .append(',')
          .append(r.proto().wireName())
          .append(',')
          .append(field(r.state().wireName()))
          .append(',')
          .append(field(service(r, serviceName)))
          .append(',')
          .append(field(r.reason()))
          .append(',')
          .append(
              r.rttMicros() < 0 ? "" : String.format(Locale.ROOT, "%.3f", r.rttMicros() / 1000.0))
          .append(',')
          .append(field(b == null ? null : b.text()))
          .append(',')
          .append(field(b == null ? null : b.server()))
          .append(',')
          .append(field(b == null ? null : b.tlsSubject()))
          .append(',')
          .append(b == null || b.tlsNotAfter() == null ? "" : b.tlsNotAfter().toString())
          .append("\r\n");
    }
    return out.toString();
  }

  public static String grepable(ScanRecord.Snapshot scan, ServiceLookup serviceName) {
    StringBuilder out = new StringBuilder();
    out.append("# Portolan scan ")
        .append(scan.id())
        .append(" initiated ")
        .append(Instant.ofEpochMilli(scan.startedAt()))
        .append(" on node ")
        .append(scan.node())
        .append(" as: ")
        .append(scan.proto().wireName())
        .append(" scan of ")
        .append(clean(scan.target()))
        .append(" ports ")
        .append(clean(scan.ports()))
        .append(" preset ")
        .append(scan.preset().wireName())
        .append('\n');
    Map<InetAddress, StringBuilder> ports = new LinkedHashMap<>();
    Map<InetAddress, Long> listed = new LinkedHashMap<>();
    for (InetAddress a : scan.addresses()) {
      ports.put(a, new StringBuilder());
      listed.put(a, 0L);
    }
    for (PortResult r : scan.results()) {
      StringBuilder line = ports.computeIfAbsent(r.address(), a -> new StringBuilder());
      listed.merge(r.address(), 1L, Long::sum);
      if (!line.isEmpty()) {
        line.append(", ");
      }
      Banner b = r.banner();
      String version =
          b == null ? "" : b.text() != null ? b.text() : b.server() != null ? b.server() : "";
      line.append(r.port())
          .append('/')
          .append(r.state().wireName())
          .append('/')
          .append(r.proto().wireName())
          .append("//")
          .append(grepField(service(r, serviceName)))
          .append("//")
          .append(grepField(version))
          .append('/');
    }
    long perAddress = scan.addresses().isEmpty() ? 0 : scan.total() / scan.addresses().size();
    for (InetAddress a : ports.keySet()) {
      out.append("Host: ")
          .append(AddressText.of(a.getAddress()))
          .append(" ()\tPorts: ")
          .append(ports.get(a));
      long notListed =
          scan.status() == ScanRecord.Status.COMPLETED
              ? perAddress - listed.getOrDefault(a, 0L)
              : 0;
      if (notListed > 0) {
        out.append("\tIgnored State: closed (").append(notListed).append(')');
      }
      out.append('\n');
    }
    out.append("# Portolan done at ")
        .append(Instant.ofEpochMilli(scan.finishedAt() == 0 ? scan.startedAt() : scan.finishedAt()))
        .append(" -- ")
        .append(scan.addresses().size())
        .append(" IP address")
        .append(scan.addresses().size() == 1 ? "" : "es")
        .append(" scanned in ")
        .append(String.format(Locale.ROOT, "%.2f", scan.elapsedMicros() / 1e6))
        .append(" seconds")
        .append(
            scan.status() == ScanRecord.Status.COMPLETED
                ? ""
                : " (" + scan.status().wireName() + ")")
        .append('\n');
    return out.toString();
  }

  /** The well-known service name of a protocol and port, or null. */
  public interface ServiceLookup
      extends BiFunction<dev.portolan.socket.Protocol, Integer, String> {}

  private static String service(PortResult r, ServiceLookup names) {
    if (r.banner() != null && r.banner().service() != null) {
      return r.banner().service();
    }
    return names.apply(r.proto(), r.port());
  }

  private static String field(String value) {
    if (value == null) {
      return "";
    }
    String v = value;
    // A leading =, +, - or @ makes spreadsheets evaluate a cell: quote it as text.
    if (!v.isEmpty() && "=+-@".indexOf(v.charAt(0)) >= 0) {
      v = "'" + v;
    }
    if (v.indexOf(',') >= 0
        || v.indexOf('"') >= 0
        || v.indexOf('\n') >= 0
        || v.indexOf('\r') >= 0) {
      return '"' + v.replace("\"", "\"\"") + '"';
    }
    return v;
  }

  /**
   * nmap's grepable format escapes '/' and ',' in fields; we replace them and control characters.
   */
  private static String grepField(String value) {
    return value == null ? "" : clean(value).replace('/', '|').replace(',', ';');
  }

  private static String clean(String value) {
    StringBuilder b = new StringBuilder(value.length());
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      b.append(c < 0x20 || c == 0x7f ? ' ' : c);
    }
    return b.toString();
  }
}
