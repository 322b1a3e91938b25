package dev.portolan.metrics;

import dev.portolan.fleet.NodeGauge;
import dev.portolan.fleet.NodeStatus;
import dev.portolan.sampling.SocketSummary;
import dev.portolan.socket.SocketState;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * A hub's series per node of the fleet, made at scrape time from the nodes as the hub's fleet tick
 * last saw them: {@code portolan_node_up{node}} (1 while the node's heartbeats arrive, status up or
 * stale; 0 when it is down), {@code portolan_node_last_sample_age_seconds{node}} (since the hub
 * last had a sample of it) and {@code portolan_node_sockets{node,proto,state}} (the sockets of
 * every live node, by the labels of {@code portolan_sockets}). So "agent X down" is {@code
 * portolan_node_up == 0}, and "agent X stuck" a growing sample age.
 */
public final class FleetNodeMetrics implements MultiCollector {
  static final String UP = "portolan_node_up";
  static final String AGE = "portolan_node_last_sample_age_seconds";
  static final String SOCKETS = "portolan_node_sockets";

  private final LongSupplier clock;
  private volatile List<NodeGauge> nodes = List.of();

  public FleetNodeMetrics(LongSupplier clock) {
    this.clock = clock;
  }

  /** The fleet's nodes now (immutable views), for the next scrapes. */
  public void update(List<NodeGauge> nodes) {
    this.nodes = List.copyOf(nodes);
  }

  @Override
  public MetricSnapshots collect() {
    List<NodeGauge> now = nodes;
    long nowMillis = clock.getAsLong();
    GaugeSnapshot.Builder up =
        GaugeSnapshot.builder()
            .name(UP)
            .help("1 while the hub hears the node's heartbeats (up or stale), 0 when it is down");
    GaugeSnapshot.Builder age =
        GaugeSnapshot.builder().name(AGE).help("Seconds since the node's last sample the hub has");
    GaugeSnapshot.Builder sockets =
        GaugeSnapshot.builder()
            .name(SOCKETS)
            .help("Sockets in the last sample of each live node, by protocol and state");
    for (NodeGauge n : now) {
      Labels node = Labels.of("node", n.name());
      up.dataPoint(point(node, n.status() == NodeStatus.DOWN ? 0 : 1));
      if (n.lastSampleMillis() > 0) {
        age.dataPoint(point(node, Math.max(0, nowMillis - n.lastSampleMillis()) / 1000.0));
      }
      if (n.live() && n.sockets() != null) {
        SocketSummary summary = n.sockets();
        summary
            .byProtocol()
            .forEach(
                (proto, states) -> {
                  for (Map.Entry<SocketState, Integer> e : states.entrySet()) {
                    sockets.dataPoint(
                        point(
                            Labels.of(
                                "node",
                                n.name(),
                                "proto",
                                proto,
                                "state",
                                StateLabel.of(proto, e.getKey())),
                            e.getValue()));
                  }
                });
      }
    }
    return MetricSnapshots.of(up.build(), age.build(), sockets.build());
  }

  @Override
  public List<String> getPrometheusNames() {
    return List.of(UP, AGE, SOCKETS);
  }

  private static GaugeDataPointSnapshot point(Labels labels, double value) {
    return GaugeDataPointSnapshot.builder().labels(labels).value(value).build();
  }
}
