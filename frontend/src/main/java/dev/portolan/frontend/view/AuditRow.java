package dev.portolan.frontend.view;

/**
 * One row of the audit page: a scan or check, who asked ({@code user}, from {@code remote}), when
 * ({@code when}, {@code finished}), what ({@code kind}, {@code target}, {@code ports}, from {@code
 * node}), how it went ({@code outcome}: accepted or refused; {@code state}), the result in words
 * and the refusal's reason; {@code href}: the scan's page, or null.
 */
public record AuditRow(
    long id,
    String when,
    String finished,
    String user,
    String remote,
    String kind,
    String node,
    String target,
    String ports,
    String outcome,
    String state,
    String result,
    String reason,
    String href) {

  /**
   * The ports in pieces that stay whole, each but the last with its comma ("443,", "8000-8100"): a
   * long list breaks between them, never inside a range.
   */
  public java.util.List<String> portParts() {
    if (ports == null || ports.isEmpty()) {
      return java.util.List.of();
    }
    java.util.List<String> parts = new java.util.ArrayList<>();
    int start = 0;
    for (int comma = ports.indexOf(','); comma >= 0; comma = ports.indexOf(',', start)) {
      parts.add(ports.substring(start, comma + 1));
      start = comma + 1;
    }
    parts.add(ports.substring(start));
    return parts;
  }
}
