package dev.portolan.audit;

import java.util.List;

/**
 * One scan or check as the audit log keeps it. {@code id}: its position in the log (grows by one
 * per entry). Who ({@code user}, and {@code remoteAddress}, the HTTP client's address), from which
 * node ({@code node}: the node that runs it; for a reachability matrix the nodes it ran from, in
 * {@code nodes}), what ({@code kind}, {@code target} and {@code ports} as asked, null when not
 * given), when ({@code requestedAt}, and {@code finishedAt}, 0 while a scan runs; milliseconds
 * since the epoch), and how it went: {@code outcome} (accepted or refused), {@code httpStatus} (the
 * status of the answer), {@code reason} (why it was refused, or why a scan failed), {@code scanId},
 * {@code state} (a scan's: running, completed, cancelled, failed, lost; a check's: done), and the
 * result: a scan's {@code counts}, a check's {@code check}. {@code count}: how many requests the
 * entry stands for, 1 but for a refusals summary ({@link AuditLog#refused}), whose first request is
 * {@code requestedAt} and last {@code lastAt} (for any other entry {@code lastAt} is {@code
 * requestedAt}). {@code source}: null for a request this process took over HTTP, {@value
 * #SOURCE_AGENT} for what an agent was asked over the event bus (kept by the agent, and merged into
 * the hubs' logs), with {@code requestedBy}, the hub that asked as its request said.
 */
public record AuditEntry(
    long id,
    String user,
    String remoteAddress,
    AuditKind kind,
    String node,
    List<String> nodes,
    String target,
    String ports,
    long requestedAt,
    long finishedAt,
    Outcome outcome,
    int httpStatus,
    String reason,
    String scanId,
    String state,
    ScanCounts counts,
    CheckResult check,
    long count,
    long lastAt,
    String source,
    String requestedBy) {

  /** The {@code source} of an agent's own record of what it was asked. */
  public static final String SOURCE_AGENT = "agent";

  public enum Outcome {
    ACCEPTED,
    REFUSED;

    public String wireName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The outcome of a wire name, or null. */
    public static Outcome fromWire(String name) {
      for (Outcome o : values()) {
        if (o.wireName().equals(name)) {
          return o;
        }
      }
      return null;
    }
  }

  /**
   * A scan's result: ports per state, the addresses it covered ({@code hosts}) and the (address,
   * port) pairs it was to probe ({@code total}).
   */
  public record ScanCounts(
      long open, long closed, long filtered, long openFiltered, int hosts, long total) {}

  /**
   * A check's result: its status ({@code connected}, {@code refused}, {@code timeout}...) and
   * reason; for a reachability matrix, from how many of how many nodes the target was reachable.
   */
  public record CheckResult(String status, String reason, Integer reachableFrom, Integer of) {}

  public AuditEntry {
    nodes = nodes == null ? null : List.copyOf(nodes);
    if (count < 1) {
      throw new IllegalArgumentException("an entry stands for at least one request");
    }
  }

  /** An entry that stands for one request. */
  public AuditEntry(
      long id,
      String user,
      String remoteAddress,
      AuditKind kind,
      String node,
      List<String> nodes,
      String target,
      String ports,
      long requestedAt,
      long finishedAt,
      Outcome outcome,
      int httpStatus,
      String reason,
      String scanId,
      String state,
      ScanCounts counts,
      CheckResult check) {
    this(
        id,
        user,
        remoteAddress,
        kind,
        node,
        nodes,
        target,
        ports,
        requestedAt,
        finishedAt,
        outcome,
        httpStatus,
        reason,
        scanId,
        state,
        counts,
        check,
        null,
        null);
  }

  /** An entry that stands for one request, from {@code source} as {@code requestedBy} asked. */
  public AuditEntry(
      long id,
      String user,
      String remoteAddress,
      AuditKind kind,
      String node,
      List<String> nodes,
      String target,
      String ports,
      long requestedAt,
      long finishedAt,
      Outcome outcome,
      int httpStatus,
      String reason,
      String scanId,
      String state,
      ScanCounts counts,
      CheckResult check,
      String source,
      String requestedBy) {
    this(
        id,
        user,
        remoteAddress,
        kind,
        node,
        nodes,
        target,
        ports,
        requestedAt,
        finishedAt,
        outcome,
        httpStatus,
        reason,
        scanId,
        state,
        counts,
        check,
        1,
        requestedAt,
        source,
        requestedBy);
  }

  /** The same entry under {@code newId} (the log numbers entries as they come). */
  public AuditEntry withId(long newId) {
    return new AuditEntry(
        newId,
        user,
        remoteAddress,
        kind,
        node,
        nodes,
        target,
        ports,
        requestedAt,
        finishedAt,
        outcome,
        httpStatus,
        reason,
        scanId,
        state,
        counts,
        check,
        count,
        lastAt,
        source,
        requestedBy);
  }

  /** A scan's end: its state, when, its counts, and why it failed (null unless it did). */
  public AuditEntry finished(String newState, long at, ScanCounts newCounts, String why) {
    return new AuditEntry(
        id,
        user,
        remoteAddress,
        kind,
        node,
        nodes,
        target,
        ports,
        requestedAt,
        at,
        outcome,
        httpStatus,
        why == null ? reason : why,
        scanId,
        newState,
        newCounts,
        check,
        count,
        lastAt,
        source,
        requestedBy);
  }

  /** The same entry as one request: count 1, {@code lastAt} its {@code requestedAt}. */
  AuditEntry first() {
    return new AuditEntry(
        id,
        user,
        remoteAddress,
        kind,
        node,
        nodes,
        target,
        ports,
        requestedAt,
        finishedAt,
        outcome,
        httpStatus,
        reason,
        scanId,
        state,
        counts,
        check,
        1,
        requestedAt,
        source,
        requestedBy);
  }

  /** A summary that stands for one more request, made at {@code at}. */
  AuditEntry counted(long at) {
    return new AuditEntry(
        id,
        user,
        remoteAddress,
        kind,
        node,
        nodes,
        target,
        ports,
        requestedAt,
        Math.max(finishedAt, at),
        outcome,
        httpStatus,
        reason,
        scanId,
        state,
        counts,
        check,
        count + 1,
        Math.max(lastAt, at),
        source,
        requestedBy);
  }

  /** The same entry with another reason (a summary's overflow). */
  AuditEntry withReason(String newReason) {
    return new AuditEntry(
        id,
        user,
        remoteAddress,
        kind,
        node,
        nodes,
        target,
        ports,
        requestedAt,
        finishedAt,
        outcome,
        httpStatus,
        newReason,
        scanId,
        state,
        counts,
        check,
        count,
        lastAt,
        source,
        requestedBy);
  }

  /** Whether this entry concerns {@code name}: run on it, or (a matrix) from it among others. */
  public boolean involves(String name) {
    return name.equals(node) || (nodes != null && nodes.contains(name));
  }
}
