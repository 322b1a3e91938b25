package dev.portolan.audit;

import java.util.List;

/**
 * A page of the audit log, newest first. {@code nextBefore}: the position of the next page (pass it
 * as {@link AuditQuery#before()}), or 0 when this is the last; {@code newestId}: the id of the
 * newest entry in the log (0 when empty); {@code kept}: entries the log holds; {@code dropped}:
 * older entries it no longer holds.
 */
public record AuditPage(
    List<AuditEntry> entries, long nextBefore, long newestId, int kept, long dropped) {
  public AuditPage {
    entries = List.copyOf(entries);
  }
}
