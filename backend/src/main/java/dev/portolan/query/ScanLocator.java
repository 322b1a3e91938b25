package dev.portolan.query;

import dev.portolan.bus.Addresses;
import dev.portolan.bus.NodeEntry;
import dev.portolan.bus.ScanListReply;
import dev.portolan.bus.ScanStateReply;
import dev.portolan.http.QueryValues;
import dev.portolan.scan.ScanRecord;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which node runs which scan. Scans run on a node and live there; the hub remembers the node of
 * every scan started or listed through it, and otherwise asks the live nodes (scan ids are random
 * and unique across the fleet).
 */
public final class ScanLocator {
  private static final int REMEMBERED = 10_000;

  private final Vertx vertx;
  private final FleetApi fleet;
  private final Map<String, String> nodeOfScan =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
          return size() > REMEMBERED;
        }
      };

  ScanLocator(Vertx vertx, FleetApi fleet) {
    this.vertx = vertx;
    this.fleet = fleet;
  }

  /** Called on the event loop with a scan's state as a node returned it. */
  public void remember(ScanRecord.Snapshot scan) {
    remember(scan.id(), scan.node());
  }

  /** Called on the event loop: scan {@code id} runs on {@code node}. */
  public void remember(String id, String node) {
    if (id != null && node != null) {
      nodeOfScan.put(id, node);
    }
  }

  /**
   * The node that runs scan {@code id}: the one named, else the remembered one, else whichever live
   * node has it.
   */
  public Future<String> nodeOf(String id, String requestedNode) {
    if (requestedNode != null && !requestedNode.isBlank()) {
      return fleet.liveNode(requestedNode).map(n -> requestedNode);
    }
    String known = nodeOfScan.get(id);
    if (known != null) {
      return Future.succeededFuture(known);
    }
    return liveNodes()
        .compose(
            nodes -> {
              List<Future<ScanRecord.Snapshot>> asks = new ArrayList<>();
              for (String node : nodes) {
                asks.add(
                    NodeRequests.ask(
                            vertx,
                            Addresses.onNode(node, Addresses.SCAN_STATUS),
                            new JsonObject().put("id", id))
                        .map(a -> ScanStateReply.fromJson(a).scan()));
              }
              return Future.join(asks)
                  .transform(
                      ar -> {
                        for (Future<ScanRecord.Snapshot> f : asks) {
                          if (f.succeeded()) {
                            remember(f.result());
                            return Future.succeededFuture(f.result().node());
                          }
                        }
                        return Future.failedFuture(
                            new NodeRequests.Refused(
                                404,
                                "unknown scan",
                                "no live node has a scan "
                                    + QueryValues.echo(id)
                                    + " (nodes keep their most recent scans only)"));
                      });
            });
  }

  /** The recent scans of every live node, most recent first. */
  public Future<ScanListReply> list() {
    return liveNodes()
        .compose(
            nodes -> {
              List<Future<ScanListReply>> asks = new ArrayList<>();
              for (String node : nodes) {
                asks.add(
                    NodeRequests.ask(
                            vertx, Addresses.onNode(node, Addresses.SCAN_LIST), new JsonObject())
                        .map(ScanListReply::fromJson));
              }
              return Future.join(asks)
                  .transform(
                      ar -> {
                        List<ScanRecord.Snapshot> scans = new ArrayList<>();
                        int running = 0;
                        for (Future<ScanListReply> f : asks) {
                          if (f.succeeded()) {
                            running += f.result().running();
                            for (ScanRecord.Snapshot s : f.result().scans()) {
                              remember(s.id(), s.node());
                              scans.add(s);
                            }
                          }
                        }
                        scans.sort(
                            Comparator.comparingLong(ScanRecord.Snapshot::startedAt).reversed());
                        return Future.succeededFuture(new ScanListReply(scans, running));
                      });
            });
  }

  private Future<List<String>> liveNodes() {
    return fleet
        .nodes(null)
        .map(
            answer ->
                answer.nodes().stream().filter(NodeEntry::live).map(NodeEntry::name).toList());
  }
}
