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
}
