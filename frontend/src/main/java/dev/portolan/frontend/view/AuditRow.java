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
    String href) {}
