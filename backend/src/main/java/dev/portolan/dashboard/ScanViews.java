package dev.portolan.dashboard;

import dev.portolan.frontend.view.ScanPortRow;
import dev.portolan.frontend.view.ScanView;
import dev.portolan.scan.PortResult;
import dev.portolan.scan.PortState;
import dev.portolan.scan.ScanRecord;
import dev.portolan.scan.banner.Banner;
import dev.portolan.service.ServiceNames;
import dev.portolan.socket.AddressText;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** Turns scan states and results into the dashboard's view records. */
final class ScanViews {
  private static final DateTimeFormatter DAY =
      DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);

  private final ServiceNames services;

  ScanViews(ServiceNames services) {
    this.services = services;
  }

  ScanView of(ScanRecord.Snapshot s) {
    List<ScanPortRow> rows = new ArrayList<>();
    for (PortResult r : s.results()) {
      if (r.state() != PortState.CLOSED) {
        rows.add(row(r));
      }
    }
    long closed = s.count(PortState.CLOSED);
    return new ScanView(
        s.id(),
        s.node() == null ? "" : s.node(),
        s.target(),
        s.addresses().stream()
            .map(a -> AddressText.of(a.getAddress()))
            .collect(Collectors.joining(", ")),
        s.ports(),
        s.proto().wireName(),
        s.preset().wireName(),
        s.status().wireName(),
        s.percent(),
        number(s.done()),
        number(s.total()),
        summary(s),
        s.status().finished() ? seconds(s.elapsedMicros()) : "",
        !s.status().finished(),
        rows,
        closed > 0
            ? number(closed) + " closed port" + (closed == 1 ? "" : "s") + " not listed."
            : "");
  }

  /** A running scan's progress, from a progress event (no results, no counts). */
  ScanView progress(String id, long done, long total) {
    int percent = total == 0 ? 0 : (int) Math.min(99, done * 100 / total);
    return new ScanView(
        id,
        "",
        "",
        "",
        "",
        "",
        "",
        "running",
        percent,
        number(done),
        number(total),
        "",
        "",
        true,
        List.of(),
        "");
  }

  ScanPortRow row(PortResult r) {
    Banner b = r.banner();
    String service =
        b != null && b.service() != null ? b.service() : services.name(r.proto(), r.port());
    return new ScanPortRow(
        AddressText.of(r.address().getAddress()),
        r.port(),
        r.proto().wireName(),
        r.state().wireName(),
        service == null ? "" : service,
        detail(b),
        r.rttMicros() < 0 ? "" : String.format(Locale.ROOT, "%.2f ms", r.rttMicros() / 1000.0),
        isOwnAddress(r.address()) ? "/ports/" + r.proto().wireName() + "/" + r.port() : null);
  }

  static String summary(ScanRecord.Snapshot s) {
    List<String> parts = new ArrayList<>();
    for (PortState state :
        List.of(PortState.OPEN, PortState.OPEN_FILTERED, PortState.FILTERED, PortState.CLOSED)) {
      long n = s.count(state);
      if (n > 0) {
        parts.add(number(n) + " " + state.wireName());
      }
    }
    String counts = parts.isEmpty() ? "nothing answered yet" : String.join(", ", parts);
    return switch (s.status()) {
      case RUNNING -> counts + " so far";
      case COMPLETED -> "Completed: " + counts;
      case CANCELLED -> "Cancelled: " + counts + " before it stopped";
      case FAILED ->
          "Failed (" + (s.error() == null ? "unknown error" : s.error()) + "): " + counts;
    };
  }

  private static String detail(Banner b) {
    if (b == null) {
      return "";
    }
    List<String> parts = new ArrayList<>();
    if (b.text() != null) {
      parts.add(b.text());
    }
    if (b.server() != null) {
      parts.add("Server: " + b.server());
    }
    if (b.tlsSubject() != null) {
      parts.add(
          "TLS "
              + b.tlsSubject()
              + (b.tlsNotAfter() == null ? "" : ", expires " + DAY.format(b.tlsNotAfter())));
    }
    return String.join(" · ", parts);
  }

  private static boolean isOwnAddress(InetAddress a) {
    if (a.isLoopbackAddress() || a.isAnyLocalAddress()) {
      return true;
    }
    try {
      return NetworkInterface.getByInetAddress(a) != null;
    } catch (SocketException e) {
      return false;
    }
  }

  static String number(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  static String seconds(long micros) {
    return micros < 1_000_000
        ? String.format(Locale.ROOT, "%.0f ms", micros / 1000.0)
        : String.format(Locale.ROOT, "%.2f s", micros / 1e6);
  }
}
