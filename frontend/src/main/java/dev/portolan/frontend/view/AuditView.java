package dev.portolan.frontend.view;

import java.util.List;

/**
 * The audit page: the filters as asked ({@code user}, {@code kind}, {@code node}, {@code outcome};
 * "" for any), the known kinds for the select, the rows newest first, {@code selfHref} (this page,
 * polled for new entries on the first page; null on older pages: they do not change), {@code
 * olderHref} (the next page, or null), and how many entries the log keeps and has dropped.
 */
public record AuditView(
    String user,
    String kind,
    String node,
    String outcome,
    List<String> kinds,
    List<AuditRow> rows,
    String selfHref,
    String olderHref,
    int kept,
    long dropped) {}
