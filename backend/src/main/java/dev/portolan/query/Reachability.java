package dev.portolan.query;

import dev.portolan.bus.Addresses;
import dev.portolan.bus.ConnectivityReply;
import dev.portolan.bus.ConnectivityRequest;
import dev.portolan.bus.NodeEntry;
import dev.portolan.http.InvalidQueryException;
import dev.portolan.http.QueryValues;
import dev.portolan.http.RequestException;
import dev.portolan.scan.policy.ScanPolicySettings;
import dev.portolan.scan.policy.ScanTarget;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The reachability matrix of a service: can each node open a TCP connection to {@code host:port}?
 * The same connectivity check as {@code POST /api/v1/connectivity}, run from every live node (or
 * the nodes named) at once, each through its own {@link Addresses#CONNECTIVITY} service and under
 * its own scan policy. One row per node; a node's refusal (its policy does not allow the target), a
 * node that is down and a node that does not answer in time are rows too, never a failure of the
 * whole question.
 *
 * <p>Statuses: the check's own ({@code connected}, {@code refused}, {@code timeout}, {@code
 * no-route}, {@code host-unreachable}, {@code error}), plus {@code not-allowed} (the node's policy
 * refused the target), {@code node-down} (the node is down, or left before it could answer) and
 * {@code error} with {@code answered=false} when the node did not answer in time.
 */
public final class Reachability {
  /** The body fields of {@code POST /api/v1/reachability}. */
  public static final Set<String> BODY_FIELDS = Set.of("host", "port", "timeoutMillis", "nodes");

  /** At most this many nodes named in one question. */
  public static final int MAX_NODES = 1024;

  /**
   * What to check ({@code check}) and from where ({@code nodes}: the names asked for, or null for
   * every live node).
   */
  public record Request(ConnectivityRequest check, List<String> nodes) {
    public Request {
      nodes = nodes == null ? null : List.copyOf(nodes);
    }
  }

  /**
   * One node's row. {@code millis}: how long the connection attempt took (null when the node did
   * not check); {@code address}: the address the node connected to; {@code localAddress}: the
   * node's address it connected from (null when unknown); {@code answered}: whether the node
   * answered at all.
   */
  public record Row(
      String node,
      String status,
      String reason,
      Double millis,
      String address,
      String localAddress,
      boolean answered) {
    public JsonObject toJson() {
      return new JsonObject()
          .put("node", node)
          .put("status", status)
          .put("reason", reason)
          .put("elapsedMillis", millis)
          // the old name, as connectivity never had it: deprecated, kept for existing clients
          .put("millis", millis)
          .put("address", address)
          .put("localAddress", localAddress)
          .put("answered", answered);
    }

    public boolean connected() {
      return "connected".equals(status);
    }
  }

  /**
   * The answer: what was asked, one row per node (by node name), and from how many of them ({@code
   * reachableFrom}, of {@link #of}) the service is reachable.
   */
  public record Answer(
      String host, int port, long timeoutMillis, List<Row> results, int reachableFrom) {
    public Answer {
      results = List.copyOf(results);
    }

    /** The nodes asked. */
    public int of() {
      return results.size();
    }

    public JsonObject toJson() {
      JsonArray rows = new JsonArray();
      results.forEach(r -> rows.add(r.toJson()));
      return new JsonObject()
          .put("host", host)
          .put("port", port)
          .put("timeoutMillis", timeoutMillis)
          .put("results", rows)
          .put("reachableFrom", reachableFrom)
          .put("of", of());
    }
  }

  private final Vertx vertx;
  private final FleetApi fleet;
  private final long graceMillis;

  public Reachability(Vertx vertx, FleetApi fleet) {
    this(vertx, fleet, NodeRequests.TIMEOUT_MILLIS);
  }

  /**
   * {@code graceMillis}: how long past the check's own timeout a node may take to answer (name
   * resolution, bus).
   */
  public Reachability(Vertx vertx, FleetApi fleet, long graceMillis) {
    this.vertx = vertx;
    this.fleet = fleet;
    this.graceMillis = graceMillis;
  }

  /**
   * Parses {@code {host, port, timeoutMillis?, nodes?}}: 400 ({@link InvalidQueryException}) for an
   * unknown field, a missing or malformed host (a block is not a host), a port outside 1-65535, a
   * timeout outside 100-30000 ms, or nodes that are not a non-empty list of names.
   */
  public static Request parse(JsonObject body) {
    for (String field : body.fieldNames()) {
      if (!BODY_FIELDS.contains(field)) {
        throw new InvalidQueryException(
            "unknown field",
            QueryValues.echo(field)
                + " is not a reachability field;"
                + " give host, port, optionally timeoutMillis (100 to "
                + ConnectivityRequest.MAX_TIMEOUT_MILLIS
                + ") and optionally nodes (the names of the nodes to check from; default every live node)");
      }
    }
    JsonObject check = body.copy();
    Object nodes = check.remove("nodes");
    ConnectivityRequest request = ConnectivityRequest.parse(check);
    ScanTarget target;
    try {
      target = ScanTarget.parse(request.host());
    } catch (InvalidQueryException e) {
      throw new InvalidQueryException("invalid host", e.detail());
    }
    if (target.kind() == ScanTarget.Kind.CIDR) {
      throw new InvalidQueryException(
          "invalid host",
          QueryValues.echo(request.host())
              + " is a block: the matrix"
              + " checks one host name or address");
    }
    return new Request(request, nodes == null ? null : names(nodes));
  }

  private static List<String> names(Object nodes) {
    if (!(nodes instanceof JsonArray list)) {
      throw new InvalidQueryException(
          "invalid nodes", "nodes must be a list of node names, like [\"web-1\", \"db-1\"]");
    }
    if (list.isEmpty()) {
      throw new InvalidQueryException(
          "invalid nodes",
          "nodes is empty: name at least one node, or leave nodes out"
              + " to check from every live node");
    }
    if (list.size() > MAX_NODES) {
      throw new InvalidQueryException(
          "invalid nodes", "at most " + MAX_NODES + " nodes, not " + list.size());
    }
    Set<String> names = new LinkedHashSet<>();
    for (Object o : list) {
      if (!(o instanceof String s) || s.isBlank()) {
        throw new InvalidQueryException(
            "invalid nodes",
            "every entry of nodes must be a node's name, not "
                + QueryValues.echo(String.valueOf(o)));
      }
      names.add(s.strip());
    }
    return List.copyOf(names);
  }

  /**
   * Runs the check from each node at once; the answer is {@link #merge}'s. Fails only for unknown
   * nodes (400).
   */
  public Future<Answer> run(Request request) {
    return run(request, null);
  }

  /** As {@link #run(Request)}, on behalf of {@code user} (each node's own audit says so). */
  public Future<Answer> run(Request request, String user) {
    return fleet
        .nodes(null)
        .compose(
            answer -> {
              Map<String, NodeEntry> known = new LinkedHashMap<>();
              for (NodeEntry n : answer.nodes()) {
                known.put(n.name(), n);
              }
              List<String> from;
              if (request.nodes() == null) {
                from =
                    known.values().stream().filter(NodeEntry::live).map(NodeEntry::name).toList();
              } else {
                List<String> unknown =
                    request.nodes().stream().filter(n -> !known.containsKey(n)).toList();
                if (!unknown.isEmpty()) {
                  return Future.failedFuture(
                      new InvalidQueryException(
                          "unknown node",
                          "no node named "
                              + String.join(
                                  ", ", unknown.stream().limit(5).map(QueryValues::echo).toList())
                              + (unknown.size() > 5
                                  ? " (and " + (unknown.size() - 5) + " more)"
                                  : "")
                              + " in this fleet; the nodes are "
                              + (known.isEmpty()
                                  ? "none yet"
                                  : String.join(", ", known.keySet().stream().limit(20).toList())
                                      + (known.size() > 20 ? "…" : ""))));
                }
                from = request.nodes();
              }
              ConnectivityRequest check = request.check();
              List<Future<Row>> rows = new ArrayList<>();
              for (String node : from) {
                NodeEntry n = known.get(node);
                if (!n.live()) {
                  rows.add(Future.succeededFuture(down(node, n.statusReason())));
                  continue;
                }
                rows.add(
                    NodeRequests.askFor(
                            vertx,
                            user,
                            Addresses.onNode(node, Addresses.CONNECTIVITY),
                            check.toJson(),
                            check.timeoutMillis() + graceMillis)
                        .map(ConnectivityReply::fromJson)
                        .transform(
                            ar ->
                                Future.succeededFuture(
                                    row(
                                        node,
                                        check.timeoutMillis() + graceMillis,
                                        ar.result(),
                                        ar.cause()))));
              }
              return Future.join(rows)
                  .transform(
                      ar ->
                          Future.succeededFuture(
                              merge(
                                  check.host(),
                                  check.port(),
                                  check.timeoutMillis(),
                                  rows.stream().map(Future::result).toList())));
            });
  }

  /** The row of a node that is down: not asked. */
  public static Row down(String node, String statusReason) {
    return new Row(
        node,
        "node-down",
        node
            + " is down"
            + (statusReason == null || statusReason.isBlank() ? "" : " (" + statusReason + ")")
            + ": it was not asked",
        null,
        null,
        null,
        false);
  }

  /**
   * One node's row from its answer (a connectivity answer) or its failure: a refusal by its policy
   * is {@code not-allowed}, other refusals (a name it cannot resolve) {@code error}; no handler on
   * the bus is {@code node-down}; no answer within {@code waitedMillis} is {@code error}, not
   * answered.
   */
  public static Row row(
      String node, long waitedMillis, ConnectivityReply answer, Throwable failure) {
    if (failure == null) {
      return new Row(
          node,
          answer.status() == null ? "error" : answer.status(),
          answer.reason() == null ? "" : answer.reason(),
          answer.elapsedMillis(),
          answer.address(),
          answer.localAddress(),
          true);
    }
    if (failure instanceof RequestException r) {
      if (r.status() == 403) {
        return new Row(
            node,
            "not-allowed",
            "not allowed by " + node + "'s policy: " + r.detail(),
            null,
            null,
            null,
            true);
      }
      return new Row(
          node,
          "error",
          title(r.error()) + " on " + node + ": " + r.detail(),
          null,
          null,
          null,
          true);
    }
    if (failure instanceof ReplyException e) {
      if (e.failureType() == ReplyFailure.NO_HANDLERS) {
        return new Row(
            node,
            "node-down",
            node
                + " has no connectivity service on the bus: it left the fleet or is"
                + " shutting down",
            null,
            null,
            null,
            false);
      }
      if (e.failureType() == ReplyFailure.TIMEOUT) {
        return new Row(
            node,
            "error",
            "no answer: "
                + node
                + " did not answer within "
                + seconds(waitedMillis)
                + " (busy, or cut off from this hub)",
            null,
            null,
            null,
            false);
      }
      return new Row(
          node,
          "error",
          "the check failed on " + node + ": " + e.getMessage(),
          null,
          null,
          null,
          true);
    }
    return new Row(
        node, "error", "the check failed on " + node + ": " + failure, null, null, null, false);
  }

  /** The answer from the nodes' rows: sorted by node, the reachable ones counted. */
  public static Answer merge(String host, int port, long timeoutMillis, List<Row> rows) {
    List<Row> sorted = new ArrayList<>(rows);
    sorted.sort(Comparator.comparing(Row::node));
    int reachable = (int) sorted.stream().filter(Row::connected).count();
    return new Answer(host, port, timeoutMillis, sorted, reachable);
  }

  /** The hint for refused rows: where a node's scan policy is set. */
  public static String policyHint() {
    return "A node checks only what its scan policy allows: loopback, its own addresses and the blocks of its "
        + ScanPolicySettings.ALLOW
        + " setting (command line --scan-allow, environment PORTOLAN_SCAN_ALLOW). To"
        + " check this target from those nodes, add the address or its network there and restart them.";
  }

  private static String seconds(long millis) {
    return millis % 1000 == 0
        ? (millis / 1000) + " s"
        : String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
  }

  private static String title(String phrase) {
    return phrase == null || phrase.isEmpty()
        ? ""
        : Character.toUpperCase(phrase.charAt(0)) + phrase.substring(1);
  }
}
