package dev.portolan.bus;

/** Every event-bus address Portolan uses, in one place. */
public final class Addresses {
  private Addresses() {
  }

  /** Published: {@link ChangeBatch} after every sample that changed something. */
  public static final String CHANGES = "portolan.changes";
  /** Published: {@link SampleTaken} after every sample (heartbeat of the sampler). */
  public static final String SAMPLES = "portolan.samples";
  /** Request/reply: {@link SocketQuery} -> a page of sockets. */
  public static final String SOCKETS_QUERY = "portolan.sockets.query";
  /** Request/reply: {} -> {@code ss -s} summary. */
  public static final String SUMMARY = "portolan.summary";
  /** Request/reply: {} -> this node's description. */
  public static final String NODE_INFO = "portolan.node.info";
  /** Request/reply: {@link OwnerQuery} -> who owns a port, a pid's sockets, or an inode. */
  public static final String OWNER_LOOKUP = "portolan.owner.lookup";
  /** Request/reply: {@link PortCheck} -> is anything listening there, in plain words. */
  public static final String PORT_CHECK = "portolan.check";

  /** Request/reply: {@link ScanRequest} -> the new scan's state (202), or 400/403/429 with the reason. */
  public static final String SCAN_START = "portolan.scan.start";
  /** Request/reply: {"id", "results"} -> a scan's state, with its results when asked. 404 when unknown. */
  public static final String SCAN_STATUS = "portolan.scan.status";
  /** Request/reply: {"id"} -> the scan's state after asking it to stop. 404 when unknown. */
  public static final String SCAN_CANCEL = "portolan.scan.cancel";
  /** Request/reply: {} -> {"scans": [...]}, most recent first. */
  public static final String SCAN_LIST = "portolan.scan.list";
  /** Request/reply: {@link ConnectivityRequest} -> can this node connect to host:port, and why not. */
  public static final String CONNECTIVITY = "portolan.connectivity";

  /** Published: {@link ScanEvent}s of one scan. */
  public static String scanEvents(String scanId) {
    return "portolan.scan.events." + scanId;
  }
}
