package dev.portolan.frontend.view;

import java.util.List;

/**
 * One scan: what was asked, how far it got ({@code percent}, {@code done} of {@code total}), the
 * counts in words ({@code summary}), and the ports worth showing. While it runs, the page follows
 * {@code eventsHref} (SSE). {@code node}: the node that runs the scan (empty when not known, in a
 * progress event).
 */
public record ScanView(
    String id,
    String node,
    String target,
    String addresses,
    String ports,
    String proto,
    String preset,
    String status,
    int percent,
    String done,
    String total,
    String summary,
    String elapsed,
    boolean running,
    List<ScanPortRow> rows,
    String hiddenClosed) {

  public String href() {
    return "/scans/" + id;
  }

  public String eventsHref() {
    return "/ui/scans/" + id + "/events";
  }

  public String cancelHref() {
    return "/ui/scans/" + id + "/cancel";
  }

  public String csvHref() {
    return "/api/v1/scans/" + id + "?format=csv";
  }

  public String grepableHref() {
    return "/api/v1/scans/" + id + "?format=grepable";
  }

  public String jsonHref() {
    return "/api/v1/scans/" + id;
  }
}
