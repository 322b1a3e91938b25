package dev.portolan.cluster;

import dev.portolan.bus.Addresses;
import io.vertx.core.spi.cluster.RegistrationInfo;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The event-bus addresses this node must stay registered for in the cluster's subscription map, and
 * its registrations there as last seen (node id, seq): when one is gone, the registration to put
 * back is the one it had, so that the consumer's own unregistration removes it later. Plain Java;
 * the self-check asks the cluster.
 */
public final class OwnRegistrations {
  static final List<String> NODE_SERVICES = Addresses.NODE_SERVICES;

  /**
   * Seqs for a registration put back that was never seen (missing at the first check): far above
   * the event bus's own counter, so that it cannot equal one of its registrations.
   */
  private static final long UNSEEN_SEQ_BASE = Long.MAX_VALUE / 2;

  private final String nodeId;
  private final List<String> addresses;
  private final Map<String, List<RegistrationInfo>> seen = new HashMap<>();
  private long unseen;

  public OwnRegistrations(String nodeId, Collection<String> addresses) {
    this.nodeId = nodeId;
    this.addresses = List.copyOf(addresses);
  }

  /**
   * A node's addresses: a serving node's fleet subscriptions, a sampling node's per-node services.
   */
  public static List<String> of(boolean serves, String sampledNode) {
    List<String> out = new ArrayList<>();
    if (serves) {
      out.add(Addresses.CHANGES);
      out.add(Addresses.HEARTBEATS);
    }
    if (sampledNode != null) {
      NODE_SERVICES.forEach(s -> out.add(Addresses.onNode(sampledNode, s)));
    }
    return out;
  }

  public String nodeId() {
    return nodeId;
  }

  public List<String> addresses() {
    return addresses;
  }

  /**
   * What the cluster holds for {@code address}: remembers this node's registrations when there are
   * any; when there are none, returns those to put back (as last seen, or a new one when never
   * seen); else an empty list.
   */
  public List<RegistrationInfo> missing(String address, List<RegistrationInfo> inCluster) {
    List<RegistrationInfo> mine = new ArrayList<>();
    for (RegistrationInfo r : inCluster) {
      if (nodeId.equals(r.nodeId()) && !r.localOnly()) {
        mine.add(r);
      }
    }
    if (!mine.isEmpty()) {
      seen.put(address, List.copyOf(mine));
      return List.of();
    }
    List<RegistrationInfo> last = seen.get(address);
    if (last == null) {
      last = List.of(new RegistrationInfo(nodeId, UNSEEN_SEQ_BASE + unseen++, false));
      seen.put(address, last);
    }
    return last;
  }
}
