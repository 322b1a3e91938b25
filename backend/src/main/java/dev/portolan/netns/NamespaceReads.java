package dev.portolan.netns;

import java.util.Map;
import java.util.TreeMap;

/**
 * What one sample of the other namespaces did, for the metrics: namespaces read whole and read for
 * their listeners only, the time the pass took (discovery included), and the namespaces it could
 * not read, by reason.
 *
 * @param fullReads namespaces read whole
 * @param listenerReads namespaces of which only the listeners were read
 * @param nanos discovery plus reading, in nanoseconds
 * @param errors by reason: {@value #OPEN} (no socket reader could be opened in it), {@value #READ}
 *     (its read failed), {@value #DISCOVERY} (discovery failed: the last sample was used again)
 */
public record NamespaceReads(
    int fullReads, int listenerReads, long nanos, Map<String, Integer> errors) {
  public static final String OPEN = "open";
  public static final String READ = "read";
  public static final String DISCOVERY = "discovery";

  /** Nothing read (namespaces off). */
  public static final NamespaceReads NONE = new NamespaceReads(0, 0, 0, Map.of());

  public NamespaceReads {
    errors = Map.copyOf(errors);
  }

  /** What {@code sample} did, discovery's time added to the reading's. */
  static NamespaceReads of(NamespacesSample sample) {
    Map<String, Integer> errors = new TreeMap<>();
    for (NamespaceTable t : sample.tables()) {
      if (t.error() != null) {
        errors.merge(t.method() == null ? OPEN : READ, 1, Integer::sum);
      }
    }
    return new NamespaceReads(
        sample.fullReads(),
        sample.listenerReads(),
        sample.discovery().nanos() + sample.readNanos(),
        errors);
  }

  /** A sample whose discovery failed after {@code nanos}. */
  static NamespaceReads discoveryFailed(long nanos) {
    return new NamespaceReads(0, 0, nanos, Map.of(DISCOVERY, 1));
  }
}
