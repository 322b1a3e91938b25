package dev.portolan.cluster;

import dev.portolan.config.Role;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * What a member of the event bus is, as its certificate says: a {@link #HUB} (asks nodes for their
 * sockets, owners, scans and checks, and hears their changes and heartbeats) or an {@link #AGENT}
 * (answers hubs and reports to them). A certificate names its role in a SAN URI {@code
 * urn:portolan:role:hub} or {@code urn:portolan:role:agent}.
 */
public enum BusRole {
  HUB,
  AGENT;

  /** The prefix of the SAN URI that names a role. */
  public static final String URI_PREFIX = "urn:portolan:role:";

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The SAN URI of this role, e.g. {@code urn:portolan:role:hub}. */
  public String uri() {
    return URI_PREFIX + wireName();
  }

  /** The role of a SAN URI, or null when it names none. */
  public static BusRole fromUri(String uri) {
    for (BusRole r : values()) {
      if (r.uri().equals(uri)) {
        return r;
      }
    }
    return null;
  }

  /**
   * The bus identity a process of {@code role} needs: an agent's for {@code --role agent}, else a
   * hub's ({@code hub}, and {@code all} with {@code --cluster}, which serves the dashboard and asks
   * nodes as a hub does).
   */
  public static BusRole forNode(Role role) {
    return role == Role.AGENT ? AGENT : HUB;
  }

  /**
   * The peers a process of this role accepts on a TLS connection: an agent only hubs (it connects
   * to a hub's bridge; agents never talk to agents), a hub on the clustered bus only hubs (agents
   * are no members of the cluster: they reach it through a hub's bridge, which accepts only
   * agents).
   */
  public Set<BusRole> accepts() {
    return EnumSet.of(HUB);
  }
}
