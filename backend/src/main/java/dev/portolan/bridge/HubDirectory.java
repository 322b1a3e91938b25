package dev.portolan.bridge;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The hubs an agent knows of ("host:port" each), and which it tries next. Two sources: the ones it
 * was told ({@code --hub}, names resolved to addresses), and the bridges of the cluster's members
 * as its hub last said in a pong ({@link #learned}), so that an agent told of one hub can fail over
 * to the others. Plain Java; used on one thread.
 */
public final class HubDirectory {
  private List<String> configured = List.of();
  private List<String> cluster = List.of();
  private int probed;

  /** The hubs from {@code --hub}, resolved. */
  public void configured(List<String> hubs) {
    configured = List.copyOf(hubs);
  }

  /**
   * The bridges of the cluster's members now, as a hub's pong lists them (null or empty: the hub
   * did not say, and what was learned before stays).
   */
  public void learned(List<String> hubs) {
    if (hubs != null && !hubs.isEmpty()) {
      cluster = List.copyOf(hubs);
    }
  }

  /** Every hub known: the cluster's first, then those told and not among them. */
  public List<String> known() {
    Set<String> out = new LinkedHashSet<>(cluster);
    out.addAll(configured);
    return List.copyOf(out);
  }

  /**
   * The order in which to try to connect: every known hub but {@code avoid} (the hub just lost,
   * under any of its names), in a rotation that begins at {@code start} (random: agents spread over
   * the hubs), then the avoided ones (they may be back).
   */
  public List<String> rotation(Set<String> avoid, int start) {
    List<String> all = known();
    List<String> first = new ArrayList<>();
    List<String> last = new ArrayList<>();
    for (int i = 0; i < all.size(); i++) {
      String hub = all.get(Math.floorMod(start + i, all.size()));
      (avoid.contains(hub) ? last : first).add(hub);
    }
    first.addAll(last);
    return first;
  }

  /**
   * Another hub to ask whether the cluster still holds a silent one, or null when none is known:
   * one of the cluster's bridges but {@code avoid} (preferred: they are hubs, where a configured
   * name may be a load balancer in front of the silent hub itself), else a configured one; each
   * call moves on to the next.
   */
  public String probeTarget(Set<String> avoid) {
    List<String> candidates = new ArrayList<>();
    for (String hub : cluster) {
      if (!avoid.contains(hub)) {
        candidates.add(hub);
      }
    }
    if (candidates.isEmpty()) {
      for (String hub : configured) {
        if (!avoid.contains(hub)) {
          candidates.add(hub);
        }
      }
    }
    if (candidates.isEmpty()) {
      return null;
    }
    return candidates.get(Math.floorMod(probed++, candidates.size()));
  }

  /**
   * Whether an agent whose hub {@code silent} (as it names itself in its pongs) stopped answering
   * should move at once to the hub that answered a probe with {@code probeHubs}: only when that
   * hub's cluster no longer holds the silent one. Hazelcast removes a member that missed its
   * heartbeats for 5 s, so the agents move when the cluster has given up on their hub, not at the
   * first long pause (a GC pause on a hub must not send its thousands of agents elsewhere). Not
   * knowing the silent hub's name, or the probed hub not listing the cluster: no.
   */
  public static boolean shouldMove(String silent, List<String> probeHubs) {
    return silent != null
        && probeHubs != null
        && !probeHubs.isEmpty()
        && !probeHubs.contains(silent);
  }
}
