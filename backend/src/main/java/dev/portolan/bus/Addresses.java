package dev.portolan.bus;

/**
 * Every event-bus address Portolan uses, in one place. Three kinds:
 *
 * <ul>
 *   <li>fleet-wide publications ({@link #CHANGES}, {@link #HEARTBEATS}): every node publishes,
 *       every hub listens;
 *   <li>per-node request/reply services, {@code portolan.node.<name>.<service>} ({@link #onNode}):
 *       a hub (or this node's own web verticle) asks one node for its sockets, owners, scans and
 *       checks;
 *   <li>hub-local services ({@code portolan.fleet.*}): the web verticle asks the fleet aggregator
 *       of its own process. Registered with {@code localConsumer}, so that several hubs in one
 *       cluster never answer each other.
 * </ul>
 */
public final class Addresses {
  private Addresses() {}

  /** Published by every node: {@link ChangeBatch} after every sample that changed something. */
  public static final String CHANGES = "portolan.changes";

  /**
   * Published locally (localConsumer) after every sample: {@link SampleTaken}, for this process's
   * /health.
   */
  public static final String SAMPLES = "portolan.samples";

  /** Published by every node once a second: {@link NodeHeartbeat}. */
  public static final String HEARTBEATS = "portolan.heartbeats";

  /**
   * Published locally (localConsumer): beat now, out of turn. An agent's link to its hub asks it
   * when it has (re)connected, so that the hub has the node's facts at once.
   */
  public static final String HEARTBEAT_NOW = "portolan.heartbeat.now";

  /**
   * Published by every agent: each record of its own audit (what hubs asked it, AuditJson), when
   * added and when updated (a scan's end); hubs merge them into their audit logs.
   */
  public static final String AGENT_AUDIT = "portolan.audit.agent";

  /**
   * What a hub relays to the other hubs of the agents on its bridge publish ({@link #CHANGES},
   * {@link #HEARTBEATS}, {@link #AGENT_AUDIT}), under {@code portolan.relay.<address>}. The hub
   * hands them to its own consumers locally (never waiting on the cluster: a hung member's
   * registrations cannot hold up its own agents' heartbeats) and publishes them in the cluster
   * here; each hub's relay hands the others' on locally to the fleet address.
   */
  public static String relayOf(String fleetAddress) {
    return RELAY_PREFIX + fleetAddress;
  }

  /** The prefix of {@link #relayOf}. */
  public static final String RELAY_PREFIX = "portolan.relay.";

  /** The fleet-wide publications agents make through a hub, which hubs relay to each other. */
  public static final java.util.List<String> RELAYED =
      java.util.List.of(CHANGES, HEARTBEATS, AGENT_AUDIT);

  // Per-node services: use with onNode(node, service).
  /**
   * {} -> {@link SnapshotReply}: every socket with its owner, and the change seq it is current at
   * (resync).
   */
  public static final String SNAPSHOT = "snapshot";

  /** {@link SocketQuery} -> a page of this node's sockets ({@link NodeSocketsReply}). */
  public static final String SOCKETS_QUERY = "sockets.query";

  /** {} -> {@code ss -s} summary with kernel counters and the trend ({@link NodeSummaryReply}). */
  public static final String SUMMARY = "summary";

  /** {} -> this node's description ({@link NodeInfoReply}, from {@link NodeInfo}). */
  public static final String NODE_INFO = "info";

  /**
   * {@link OwnerQuery} -> who owns a port ({@link PortOwnersReply}), a pid's sockets ({@link
   * ProcessReply}), confirmed with readlink.
   */
  public static final String OWNER_LOOKUP = "owner.lookup";

  /** {@link PortCheck} -> is anything listening there, in plain words ({@link CheckReply}). */
  public static final String PORT_CHECK = "check";

  /** {@link ScanRequest} -> the new scan's state (202), or 400/403/429 with the reason. */
  public static final String SCAN_START = "scan.start";

  /** {"id", "results"} -> a scan's state, with its results when asked. 404 when unknown. */
  public static final String SCAN_STATUS = "scan.status";

  /** {"id"} -> the scan's state after asking it to stop. 404 when unknown. */
  public static final String SCAN_CANCEL = "scan.cancel";

  /** {} -> {"scans": [...]}, most recent first. */
  public static final String SCAN_LIST = "scan.list";

  /**
   * {} -> the node's scan policy ({@link ScanPolicyReply}); {"change": {...}} -> the policy after
   * the change (400 if bad).
   */
  public static final String SCAN_POLICY = "scan.policy";

  /** {@link ConnectivityRequest} -> can this node connect to host:port, and why not. */
  public static final String CONNECTIVITY = "connectivity";

  /** {} -> the node's network namespaces with their sockets counted ({@link NamespacesReply}). */
  public static final String NAMESPACES = "namespaces";

  /**
   * {@link WhyRequest} (bind or port) -> a troubleshooting answer ({@link WhyReply}), from the
   * node's sockets read now (bind) or its last sample with every namespace (port).
   */
  public static final String WHY = "why";

  /** Every per-node service a sampling node answers ({@link #onNode}). */
  public static final java.util.List<String> NODE_SERVICES =
      java.util.List.of(
          SNAPSHOT,
          SOCKETS_QUERY,
          SUMMARY,
          NODE_INFO,
          OWNER_LOOKUP,
          PORT_CHECK,
          SCAN_START,
          SCAN_STATUS,
          SCAN_CANCEL,
          SCAN_LIST,
          SCAN_POLICY,
          CONNECTIVITY,
          NAMESPACES,
          WHY);

  /** The prefix of every {@link #scanEvents} address. */
  public static final String SCAN_EVENTS_PREFIX = "portolan.scan.events.";

  /**
   * Whether {@code address} is a hub-local service ({@code portolan.fleet.*}): asked and published
   * with {@code localOnly}, so that a request never leaves the process. A local consumer is not in
   * the cluster's map of handlers; without localOnly, Vert.x would send the request to any other
   * member that registered the address.
   */
  public static boolean isHubLocal(String address) {
    return address.startsWith("portolan.fleet.");
  }

  /** The address of {@code service} (one of the constants above) on node {@code node}. */
  public static String onNode(String node, String service) {
    return "portolan.node." + node + "." + service;
  }

  /**
   * Published by the node running scan {@code scanId}: its {@link ScanEvent}s. Scan ids are random,
   * fleet-unique.
   */
  public static String scanEvents(String scanId) {
    return SCAN_EVENTS_PREFIX + scanId;
  }

  // Hub-local services (localConsumer), answered by the fleet aggregator of this process.
  /** Local publication: {"changes": [...]} re-numbered in this hub's sequence, for the SSE feed. */
  public static final String FLEET_CHANGES = "portolan.fleet.changes";

  /** Local publication: {@link FleetNodeStatus} when a node goes up, down or stale. */
  public static final String FLEET_NODE_STATUS = "portolan.fleet.node-status";

  /**
   * {"node"?} -> {@link NodesReply}: every node the hub knows, with status (one node with "node").
   */
  public static final String FLEET_NODES = "portolan.fleet.nodes";

  /**
   * {@link SocketQuery} -> a page across the fleet (or one node with the filter's node), in fleet
   * order ({@link FleetSocketsReply}).
   */
  public static final String FLEET_SOCKETS = "portolan.fleet.sockets";

  /**
   * {"proto","port"} -> per node, the sockets on that local port as last sampled ({@link
   * FleetPortReply}).
   */
  public static final String FLEET_PORT = "portolan.fleet.port";

  /**
   * {@link PortCheck} -> a check answer per node that is not down ({@link FleetCheckReply}), from
   * the hub's tables.
   */
  public static final String FLEET_CHECK = "portolan.fleet.check";

  /**
   * {} -> fleet totals by protocol and state, and node counts by status ({@link
   * FleetSummaryReply}).
   */
  public static final String FLEET_SUMMARY = "portolan.fleet.summary";

  /**
   * {} -> {@link CompletenessReply}: whether the hub's picture of the fleet is complete
   * (FleetCompleteness).
   */
  public static final String FLEET_COMPLETE = "portolan.fleet.complete";
}
