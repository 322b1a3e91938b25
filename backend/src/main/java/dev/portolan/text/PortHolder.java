package dev.portolan.text;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One holder of sockets on a port on one node, as {@code portolan who} prints it: the owner's
 * {@code status} (process, kernel, permission-denied, unknown or gone) and, for a process, its pid,
 * name, user and command line (null when not known); how many of its sockets are on the port; and
 * whether one of them listens (a TCP listener, an unconnected UDP socket).
 */
public record PortHolder(
    String node,
    String proto,
    String status,
    int pid,
    String process,
    String user,
    String cmdline,
    int sockets,
    boolean listening) {

  /** The owner's status when a process holds the sockets. */
  public static final String PROCESS = "process";

  /** A holder that is no process (the kernel, say) has no pid, name, user nor command line. */
  public PortHolder {
    if (!PROCESS.equals(status)) {
      pid = 0;
      process = null;
      user = null;
      cmdline = null;
    }
  }

  public boolean isProcess() {
    return PROCESS.equals(status);
  }

  /** This holder with {@code more} sockets, listening when either is. */
  public PortHolder plus(int more, boolean alsoListening) {
    return new PortHolder(
        node,
        proto,
        status,
        pid,
        process,
        user,
        cmdline,
        sockets + more,
        listening || alsoListening);
  }

  /**
   * Holders added one by one (a socket, or a group of them in one namespace) merged per node and
   * holder (the pid, or the kind of owner when no process holds them), in order of first
   * appearance: a process with sockets on the port in several namespaces of a node is one holder,
   * as {@code fuser} prints it. Keyed by text, not by records: a record's equals and hashCode are
   * linked at run time (invokedynamic), which costs a short-lived client tens of milliseconds.
   */
  public static final class Grouping {
    private final Map<String, PortHolder> byHolder = new LinkedHashMap<>();

    public Grouping add(PortHolder h) {
      String key =
          h.node()
              .concat("\0")
              .concat(h.isProcess() ? "pid ".concat(Integer.toString(h.pid())) : h.status());
      PortHolder seen = byHolder.get(key);
      byHolder.put(key, seen == null ? h : seen.plus(h.sockets(), h.listening()));
      return this;
    }

    public List<PortHolder> holders() {
      return new ArrayList<>(byHolder.values());
    }
  }
}
