package dev.portolan.audit;

import dev.portolan.scan.PortState;
import dev.portolan.scan.ScanRecord;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * An agent's own audit of what hubs asked it to do over the event bus: scans, connectivity checks
 * and scan-policy changes, accepted or refused, each with who asked ({@link Requester}: the hub,
 * and the user as the hub's request said) and the agent's name as {@code node}; {@code source} is
 * {@value AuditEntry#SOURCE_AGENT}. A scan's record is completed when the scan ends. The records go
 * where the log's listeners send them (the {@code portolan.audit} logger, {@code --audit-file}, and
 * the hubs). Thread-safe.
 */
public final class AgentAudit {
  /** Scans whose end is still awaited, at most this many (the oldest forgotten). */
  static final int FOLLOWED = 1_000;

  /** Who asked: the user and the hub as the request said (null when it did not say). */
  public record Requester(String user, String hub) {}

  private final String node;
  private final AuditLog log;
  private final LongSupplier clock;
  private final Map<String, Long> running =
      new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
          return size() > FOLLOWED;
        }
      };

  public AgentAudit(String node, AuditLog log, LongSupplier clock) {
    this.node = node;
    this.log = log;
    this.clock = clock;
  }

  public AuditLog log() {
    return log;
  }

  /**
   * A scan this node started, followed to its end ({@link #scanEnded}, or at once when it has ended
   * already).
   */
  public void scanStarted(Requester who, AuditKind kind, String ports, ScanRecord scan) {
    AuditEntry added =
        log.add(
            entry(
                who,
                kind,
                scan.snapshot().target(),
                ports,
                0,
                AuditEntry.Outcome.ACCEPTED,
                202,
                null,
                scan.id(),
                "running",
                null));
    synchronized (running) {
      running.put(scan.id(), added.id());
    }
    ScanRecord.Snapshot now = scan.snapshot();
    if (now.status().finished()) {
      scanEnded(now);
    }
  }

  /** A scan's end: its record gets its state, counts and end. */
  public void scanEnded(ScanRecord.Snapshot s) {
    Long id;
    synchronized (running) {
      id = running.remove(s.id());
    }
    if (id == null) {
      return;
    }
    AuditEntry.ScanCounts counts =
        new AuditEntry.ScanCounts(
            s.count(PortState.OPEN),
            s.count(PortState.CLOSED),
            s.count(PortState.FILTERED),
            s.count(PortState.OPEN_FILTERED),
            s.addresses().size(),
            s.total());
    long at = s.finishedAt() > 0 ? s.finishedAt() : clock.getAsLong();
    log.update(id, e -> e.finished(s.status().wireName(), at, counts, s.error()));
  }

  /**
   * A check this node ran, or a policy change it made: done, with its result ({@code status},
   * {@code reason}).
   */
  public void done(
      Requester who, AuditKind kind, String target, String ports, String status, String reason) {
    log.add(
        entry(
            who,
            kind,
            target,
            ports,
            clock.getAsLong(),
            AuditEntry.Outcome.ACCEPTED,
            200,
            null,
            null,
            "done",
            new AuditEntry.CheckResult(status, reason, null, null)));
  }

  /** A request this node refused: its status and "error: detail". */
  public void refused(
      Requester who, AuditKind kind, String target, String ports, int status, String reason) {
    log.add(
        entry(
            who,
            kind,
            target,
            ports,
            clock.getAsLong(),
            AuditEntry.Outcome.REFUSED,
            status,
            reason,
            null,
            "refused",
            null));
  }

  private AuditEntry entry(
      Requester who,
      AuditKind kind,
      String target,
      String ports,
      long finishedAt,
      AuditEntry.Outcome outcome,
      int status,
      String reason,
      String scanId,
      String state,
      AuditEntry.CheckResult check) {
    return new AuditEntry(
        0,
        who.user(),
        null,
        kind,
        node,
        null,
        target,
        ports,
        clock.getAsLong(),
        finishedAt,
        outcome,
        status,
        reason,
        scanId,
        state,
        null,
        check,
        AuditEntry.SOURCE_AGENT,
        who.hub());
  }
}
