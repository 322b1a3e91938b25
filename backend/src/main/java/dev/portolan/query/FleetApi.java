package dev.portolan.query;

import dev.portolan.bus.Addresses;
import dev.portolan.bus.CheckAnswer;
import dev.portolan.bus.CheckReply;
import dev.portolan.bus.FleetCheckAnswer;
import dev.portolan.bus.FleetCheckReply;
import dev.portolan.bus.FleetOwnersReply;
import dev.portolan.bus.FleetPortReply;
import dev.portolan.bus.FleetSocketsReply;
import dev.portolan.bus.FleetSummaryReply;
import dev.portolan.bus.NamespacesReply;
import dev.portolan.bus.NodeEntry;
import dev.portolan.bus.NodeSummaryReply;
import dev.portolan.bus.NodesReply;
import dev.portolan.bus.OwnerQuery;
import dev.portolan.bus.OwnersReply;
import dev.portolan.bus.PortCheck;
import dev.portolan.bus.PortOwnersReply;
import dev.portolan.bus.ProcessReply;
import dev.portolan.bus.SocketQuery;
import dev.portolan.bus.SummaryReply;
import dev.portolan.http.InvalidQueryException;
import dev.portolan.http.QueryValues;
import dev.portolan.sampling.SocketFilter;
import dev.portolan.sampling.SocketPage;
import dev.portolan.service.ServiceNames;
import dev.portolan.socket.Protocol;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The fleet's answers for the API and the dashboard: with a node, that node's answer (asked of the
 * node itself when it is live); without, the whole fleet's, from the hub's state, confirming owners
 * with the nodes that have something on the port. Unknown nodes are 404, down nodes 503 for what
 * only the live node can answer.
 */
public final class FleetApi {
  private final Vertx vertx;
  private final ServiceNames services;
  private final String localNode;
  private final ScanLocator scans;

  public FleetApi(Vertx vertx, ServiceNames services, String localNode) {
    this.scans = new ScanLocator(vertx, this);
    this.vertx = vertx;
    this.services = services;
    this.localNode = localNode;
  }

  /** Which node runs which scan. */
  public ScanLocator scans() {
    return scans;
  }

  /** This process's own node, or null for a hub that does not sample itself. */
  public String localNode() {
    return localNode;
  }

  /** Every node with its status, or the one named (404 when unknown). */
  public Future<NodesReply> nodes(String node) {
    JsonObject q = node == null ? new JsonObject() : new JsonObject().put("node", node);
    return ask(Addresses.FLEET_NODES, q)
        .map(NodesReply::fromJson)
        .compose(
            answer ->
                node != null && answer.nodes().isEmpty()
                    ? Future.failedFuture(unknownNode(node))
                    : Future.succeededFuture(answer));
  }

  /** One node's entry (404 when unknown), whether live or not. */
  public Future<NodeEntry> node(String node) {
    return nodes(node).map(answer -> answer.nodes().getFirst());
  }

  /**
   * One node's entry; fails 404 when unknown, 503 when down (for questions only the live node can
   * answer).
   */
  public Future<NodeEntry> liveNode(String node) {
    return node(node)
        .compose(
            n -> {
              if (!n.live()) {
                return Future.failedFuture(
                    new NodeRequests.Refused(
                        503,
                        "node down",
                        "node "
                            + QueryValues.echo(node)
                            + " is down ("
                            + n.statusReason()
                            + "); its sockets show as last seen"));
              }
              return Future.succeededFuture(n);
            });
  }

  /**
   * The node to run something on: the one asked for (must be live), else this process's own node.
   */
  public Future<String> runOn(String requested) {
    if (requested == null || requested.isBlank()) {
      if (localNode == null) {
        return Future.failedFuture(
            new InvalidQueryException(
                "missing node",
                "this hub does not sample a node of its own: give node, the name of the node to run it from"));
      }
      return Future.succeededFuture(localNode);
    }
    return liveNode(requested).map(n -> requested);
  }

  /**
   * A page of sockets across the fleet (or one node with the filter's node). Decoded on a worker: a
   * page of ten thousand rows takes about 10 ms to read into records.
   */
  public Future<FleetSocketsReply> sockets(SocketFilter filter, int limit, String cursor) {
    return ask(Addresses.FLEET_SOCKETS, new SocketQuery(filter, limit, cursor).toJson())
        .compose(page -> vertx.executeBlocking(() -> FleetSocketsReply.fromJson(page), false));
  }

  /**
   * The summary of one node (from the node: kernel counters, trend) or of the fleet (from the hub's
   * state).
   */
  public Future<SummaryReply> summary(String node) {
    return node == null ? fleetSummary().map(s -> s) : nodeSummary(node).map(s -> s);
  }

  /** The fleet's summary, from the hub's state: its live nodes' sockets, its nodes by status. */
  public Future<FleetSummaryReply> fleetSummary() {
    return ask(Addresses.FLEET_SUMMARY, new JsonObject()).map(FleetSummaryReply::fromJson);
  }

  /**
   * One node's summary, from the node (404 when unknown, 503 when down): kernel counters, trend.
   */
  public Future<NodeSummaryReply> nodeSummary(String node) {
    return liveNode(node)
        .compose(n -> ask(Addresses.onNode(node, Addresses.SUMMARY), new JsonObject()))
        .map(NodeSummaryReply::fromJson);
  }

  /**
   * One node's network namespaces, from the node (404 when unknown, 503 when down): what each is,
   * how it is read, its sockets counted.
   */
  public Future<NamespacesReply> namespaces(String node) {
    return liveNode(node)
        .compose(n -> ask(Addresses.onNode(node, Addresses.NAMESPACES), new JsonObject()))
        .map(NamespacesReply::fromJson);
  }

  /** Is anything listening on proto/port: on one node, or on each node with a fleet verdict. */
  public Future<CheckAnswer> check(String node, Protocol proto, int port) {
    PortCheck q = new PortCheck(proto, port);
    if (node != null) {
      return liveNode(node)
          .compose(n -> ask(Addresses.onNode(node, Addresses.PORT_CHECK), q.toJson()))
          .map(CheckReply::fromJson);
    }
    return ask(Addresses.FLEET_CHECK, q.toJson())
        .map(
            answer ->
                FleetAnswers.check(
                    FleetCheckReply.fromJson(answer).nodes(),
                    proto,
                    port,
                    services.name(proto, port)));
  }

  /**
   * Who owns proto/port: on one node (confirmed by the node), or anywhere in the fleet: the hub
   * finds the nodes with sockets on the port, asks each live one to confirm, and reports down
   * nodes' sockets as last seen.
   */
  public Future<OwnersReply> owners(String node, Protocol proto, int port) {
    return owners(node, proto, port, true);
  }

  /**
   * Who owns proto/port (see {@link #owners(String, Protocol, int)}): the owners grouped by holder
   * with counts, and with {@code listSockets} every socket (O(sockets on the port); without it the
   * node confirms one socket per holder).
   */
  public Future<OwnersReply> owners(String node, Protocol proto, int port, boolean listSockets) {
    OwnerQuery q = OwnerQuery.byPort(proto, port, listSockets);
    if (node != null) {
      return liveNode(node)
          .compose(
              n ->
                  ask(Addresses.onNode(node, Addresses.OWNER_LOOKUP), q.toJson())
                      .map(a -> PortOwnersReply.fromJson(a).withStatus(n.status())));
    }
    return fleetOwners(proto, port, listSockets).map(a -> a);
  }

  /** Who owns proto/port anywhere in the fleet, every socket listed (see {@link #owners}). */
  public Future<FleetOwnersReply> fleetOwners(Protocol proto, int port) {
    return fleetOwners(proto, port, true);
  }

  /** Who owns proto/port anywhere in the fleet (see {@link #owners}). */
  public Future<FleetOwnersReply> fleetOwners(Protocol proto, int port, boolean listSockets) {
    OwnerQuery q = OwnerQuery.byPort(proto, port, listSockets);
    return ask(
            Addresses.FLEET_PORT,
            new JsonObject()
                .put("proto", proto.wireName())
                .put("port", port)
                .put("listSockets", listSockets))
        .map(FleetPortReply::fromJson)
        .compose(
            candidates -> {
              List<Future<FleetOwnersReply.Seen>> perNode = new ArrayList<>();
              for (FleetPortReply.OnNode seen : candidates.nodes()) {
                FleetOwnersReply.Seen lastSeen =
                    new FleetOwnersReply.Seen(
                        seen.node(),
                        seen.status(),
                        seen.live(),
                        false,
                        seen.sampledAt(),
                        seen.sockets(),
                        seen.owners(),
                        seen.listening());
                if (!seen.live()) {
                  perNode.add(Future.succeededFuture(lastSeen));
                  continue;
                }
                perNode.add(
                    ask(Addresses.onNode(seen.node(), Addresses.OWNER_LOOKUP), q.toJson())
                        .map(
                            a -> {
                              PortOwnersReply r = PortOwnersReply.fromJson(a);
                              return new FleetOwnersReply.Seen(
                                  r.node(),
                                  seen.status(),
                                  true,
                                  true,
                                  r.sampledAt(),
                                  r.sockets(),
                                  r.owners(),
                                  r.listening());
                            })
                        .otherwise(e -> lastSeen));
              }
              return Future.join(perNode)
                  .transform(
                      ar ->
                          Future.succeededFuture(
                              FleetOwnersReply.merge(
                                  perNode.stream()
                                      .filter(Future::succeeded)
                                      .map(Future::result)
                                      .toList(),
                                  proto,
                                  port,
                                  services.name(proto, port),
                                  listSockets)));
            });
  }

  /** Per node that has sockets on local port proto/port, those sockets as the hub last saw them. */
  public Future<FleetPortReply> portTables(Protocol proto, int port) {
    return ask(
            Addresses.FLEET_PORT, new JsonObject().put("proto", proto.wireName()).put("port", port))
        .map(FleetPortReply::fromJson);
  }

  /** A process's sockets, from its node. */
  public Future<ProcessReply> process(String node, int pid) {
    return liveNode(node)
        .compose(
            n ->
                ask(Addresses.onNode(node, Addresses.OWNER_LOOKUP), OwnerQuery.byPid(pid).toJson()))
        .map(ProcessReply::fromJson);
  }

  /** Parses the listing parameters of {@code /api/v1/sockets} (filters, limit, cursor). */
  public static SocketQuery socketQuery(Map<String, List<String>> params) {
    SocketFilter filter = SocketFilter.parse(params);
    int limit = SocketPage.parseLimit(QueryValues.single(params, "limit"));
    String cursor = dev.portolan.fleet.FleetPage.validCursor(QueryValues.single(params, "cursor"));
    return new SocketQuery(filter, limit, cursor);
  }

  private Future<JsonObject> ask(String address, JsonObject body) {
    return NodeRequests.ask(vertx, address, body);
  }

  static NodeRequests.Refused unknownNode(String node) {
    return new NodeRequests.Refused(
        404, "unknown node", "no node named " + QueryValues.echo(node) + " in this fleet");
  }

  /** Shapes of merged answers. */
  static final class FleetAnswers {
    private FleetAnswers() {}

    /**
     * One node: its answer as it is (plus the list); several: the widest exposure and where it
     * listens.
     */
    static CheckAnswer check(List<CheckReply> perNode, Protocol proto, int port, String service) {
      if (perNode.size() == 1) {
        return perNode.getFirst().asOnlyNode();
      }
      List<String> listeningOn = new ArrayList<>();
      String verdict = "not-listening";
      for (CheckReply n : perNode) {
        if (n.listening()) {
          listeningOn.add(n.node());
          if (rank(n.verdict()) > rank(verdict)) {
            verdict = n.verdict();
          }
        }
      }
      String what = proto.wireName() + "/" + port + (service == null ? "" : " (" + service + ")");
      String answer =
          listeningOn.isEmpty()
              ? "Nothing listens on " + what + " on any of the " + perNode.size() + " live nodes."
              : "Listening on "
                  + what
                  + " on "
                  + listeningOn.size()
                  + " of "
                  + perNode.size()
                  + " live nodes: "
                  + String.join(", ", listeningOn.subList(0, Math.min(20, listeningOn.size())))
                  + (listeningOn.size() > 20 ? "…" : "")
                  + ".";
      return new FleetCheckAnswer(
          proto, port, service, !listeningOn.isEmpty(), verdict, answer, List.of(), perNode);
    }

    private static int rank(String verdict) {
      return switch (verdict == null ? "" : verdict) {
        case "all-interfaces" -> 3;
        case "specific-addresses" -> 2;
        case "loopback-only" -> 1;
        default -> 0;
      };
    }
  }
}
