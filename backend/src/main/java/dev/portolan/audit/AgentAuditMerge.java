package dev.portolan.audit;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Merges the records agents keep of what they were asked ({@link AgentAudit}) into a hub's audit
 * log: each agent record becomes one entry of the hub's log (numbered by the hub), and a later
 * version of it (a scan's end) updates that entry (a record is known by its node, its number there
 * and when it was asked, so that an agent that restarts and numbers from 1 again does not overwrite
 * its earlier records). Records that are not an agent's are ignored. Remembers the last {@value
 * #REMEMBERED} records' places. Thread-safe.
 */
public final class AgentAuditMerge {
  static final int REMEMBERED = 10_000;

  private final AuditLog log;
  private final Map<String, Long> places =
      new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
          return size() > REMEMBERED;
        }
      };

  public AgentAuditMerge(AuditLog log) {
    this.log = log;
  }

  /**
   * Adds or updates the hub's entry of {@code record} (an agent's entry, numbered by the agent).
   */
  public synchronized void merge(AuditEntry record) {
    if (!AuditEntry.SOURCE_AGENT.equals(record.source()) || record.node() == null) {
      return;
    }
    String key = record.node() + "\u0000" + record.id() + "\u0000" + record.requestedAt();
    Long place = places.get(key);
    // versions of one record may arrive out of order (added and updated on different threads): an
    // end stays
    if (place != null
        && log.update(place, e -> e.finishedAt() > 0 && record.finishedAt() == 0 ? e : record)
            != null) {
      return;
    }
    places.put(key, log.add(record).id());
  }
}
