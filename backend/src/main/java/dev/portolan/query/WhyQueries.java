package dev.portolan.query;

import dev.portolan.bus.Addresses;
import dev.portolan.bus.ConnectivityReply;
import dev.portolan.bus.ConnectivityRequest;
import dev.portolan.bus.FleetPortReply;
import dev.portolan.bus.ListedSocket;
import dev.portolan.bus.NamespacesReply;
import dev.portolan.bus.NodeEntry;
import dev.portolan.bus.WhyReply;
import dev.portolan.bus.WhyRequest;
import dev.portolan.sampling.OwnedSocket;
import dev.portolan.socket.Protocol;
import dev.portolan.why.ConnectAttempt;
import dev.portolan.why.ConnectDiagnosis;
import dev.portolan.why.TargetTable;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;

/**
 * Troubleshooting answers for the API and the dashboard: {@code bind} and {@code port} asked of the
 * node ({@link Addresses#WHY}); {@code connect} judged here from a connectivity check's answer and,
 * when the target address is a known node's (or loopback: the node that connected), that node's
 * table as the hub holds it.
 */
public final class WhyQueries {
  private final Vertx vertx;
  private final FleetApi fleet;

  public WhyQueries(Vertx vertx, FleetApi fleet) {
    this.vertx = vertx;
    this.fleet = fleet;
  }

  /** {@code why bind} or {@code why port} on {@code node} (null: this process's own). */
  public Future<WhyReply> ask(String node, WhyRequest request) {
    return fleet
        .runOn(node)
        .compose(n -> NodeRequests.ask(vertx, Addresses.onNode(n, Addresses.WHY), request.toJson()))
        .map(WhyReply::fromJson);
  }

  /**
   * {@code why connect}: a real connection from {@code node} (null: this process's own) on behalf
   * of {@code user}, audited through {@code attempt}, then explained.
   */
  public Future<WhyReply> connect(
      ScanGate.Attempt attempt, String user, String node, ConnectivityRequest request) {
    return fleet
        .runOn(node)
        .compose(
            n ->
                NodeRequests.askFor(
                    vertx,
                    user,
                    Addresses.onNode(n, Addresses.CONNECTIVITY),
                    request.toJson(),
                    request.timeoutMillis() + NodeRequests.TIMEOUT_MILLIS))
        .map(ConnectivityReply::fromJson)
        .onSuccess(attempt::checked)
        .onFailure(attempt::refused)
        .compose(this::explain);
  }

  /** {@code why connect}: the answer for {@code reply}, the check {@code reply.node()} made. */
  public Future<WhyReply> explain(ConnectivityReply reply) {
    ConnectAttempt attempt =
        new ConnectAttempt(
            reply.host(), reply.address(), reply.port(), reply.status(), reply.reason());
    if (reply.connected()) {
      return Future.succeededFuture(
          new WhyReply(ConnectDiagnosis.answer(reply.node(), attempt, null)));
    }
    return fleet
        .nodes(null)
        .map(nodes -> targetNode(nodes.nodes(), reply))
        .compose(
            target ->
                target == null
                    ? Future.succeededFuture((TargetTable) null)
                    : fleet
                        .portTables(Protocol.TCP, reply.port())
                        .compose(
                            tables -> ownNamespace(target).map(own -> table(target, tables, own))))
        .map(target -> new WhyReply(ConnectDiagnosis.answer(reply.node(), attempt, target)));
  }

  /** The node that has the address the check connected to; loopback is the checking node. */
  static String targetNode(List<NodeEntry> nodes, ConnectivityReply reply) {
    String address = reply.address();
    if (address == null) {
      return null;
    }
    if (address.startsWith("127.") || address.equals("::1")) {
      return reply.node();
    }
    for (NodeEntry n : nodes) {
      if (n.addresses() != null && n.addresses().contains(address)) {
        return n.name();
      }
    }
    return null;
  }

  /**
   * The inode of {@code node}'s own network namespace, from its namespaces answer; 0 when it cannot
   * say (its rows then count as its own only when they say so).
   */
  private Future<Long> ownNamespace(String node) {
    return fleet
        .namespaces(node)
        .map(
            reply ->
                reply.namespaces().stream()
                    .filter(NamespacesReply.Namespace::own)
                    .mapToLong(NamespacesReply.Namespace::inode)
                    .findFirst()
                    .orElse(0L))
        .otherwise(0L);
  }

  private static TargetTable table(String node, FleetPortReply tables, long ownNetns) {
    List<OwnedSocket> onPort = new ArrayList<>();
    for (FleetPortReply.OnNode n : tables.nodes()) {
      if (n.node().equals(node)) {
        for (ListedSocket s : n.sockets()) {
          onPort.add(s.socket());
        }
      }
    }
    return new TargetTable(node, onPort, ownNetns);
  }
}
