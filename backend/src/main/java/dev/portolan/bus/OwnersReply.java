package dev.portolan.bus;

import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Who owns a port: one node's answer ({@link PortOwnersReply}) or the fleet's ({@link
 * FleetOwnersReply}, every node's, confirmed by the live ones).
 */
public sealed interface OwnersReply permits PortOwnersReply, FleetOwnersReply {
  /** The port's service name, or null. */
  String service();

  /** Whether something listens on the port (in the fleet: on a live node). */
  boolean listening();

  /** The port's holders, grouped per node, namespace and holder, with counts. */
  List<PortOwner> owners();

  /** The sockets on the port, with their owners. */
  List<ListedSocket> sockets();

  JsonObject toJson();
}
