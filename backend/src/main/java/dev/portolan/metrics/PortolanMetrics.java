package dev.portolan.metrics;

import dev.portolan.netns.NamespaceLabel;
import dev.portolan.netns.NamespaceReads;
import dev.portolan.netns.NamespaceSummary;
import dev.portolan.netns.NodeNamespaces;
import dev.portolan.sampling.ShortLivedSockets;
import dev.portolan.sampling.SocketSummary;
import dev.portolan.socket.SocketState;
import dev.portolan.socket.TcpCadence;
import dev.portolan.socket.netlink.SocketDestroyListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** Portolan's own meters, next to the Vert.x ones in the same registry (served on /metrics). */
public final class PortolanMetrics {
  private final PrometheusMeterRegistry registry;
  private final DurationHistogram sampleDuration;
  private final DurationHistogram namespaceReadDuration;
  private final Counter sampleFailures;
  private final Counter sampleOverruns;
  private final Counter changes;
  private final AtomicInteger sseClients = new AtomicInteger();
  private final Counter sseDropped;
  private final Counter sseResets;
  private final AtomicLong lastSampleMillis = new AtomicLong();
  private final Map<String, AtomicInteger> socketsByState = new ConcurrentHashMap<>();

  public PortolanMetrics(PrometheusMeterRegistry registry, String node, String reader) {
    this.registry = registry;
    sampleDuration =
        DurationHistogram.in(
            registry.getPrometheusRegistry(),
            "portolan_sample_duration_seconds",
            "Time to read the socket table with owners");
    namespaceReadDuration =
        DurationHistogram.in(
            registry.getPrometheusRegistry(),
            "portolan_namespace_read_seconds",
            "Time per sample to discover the other network namespaces and read their sockets");
    sampleFailures =
        Counter.builder("portolan.sample.failures")
            .description("Samples that failed")
            .register(registry);
    sampleOverruns =
        Counter.builder("portolan.sample.overruns")
            .description("Samples that took longer than the configured interval")
            .register(registry);
    changes =
        Counter.builder("portolan.changes")
            .description("Socket changes detected")
            .register(registry);
    Gauge.builder("portolan.sse.clients", sseClients, AtomicInteger::get)
        .description("Connected SSE clients")
        .register(registry);
    sseDropped =
        Counter.builder("portolan.sse.dropped")
            .description("SSE clients cut off because they did not read fast enough")
            .register(registry);
    sseResets =
        Counter.builder("portolan.sse.resets")
            .description("SSE clients told to re-read the snapshot (event: reset)")
            .register(registry);
    Gauge.builder("portolan.sample.last.timestamp", lastSampleMillis, a -> a.get() / 1000.0)
        .baseUnit("seconds")
        .description("Unix time of the last sample")
        .register(registry);
    Gauge.builder("portolan.reader.info", () -> 1)
        .tag("reader", reader)
        .tag("node", node)
        .description("The socket table reader in use (none: this node samples no table)")
        .register(registry);
    BuildInfo build = BuildInfo.current();
    Gauge.builder("portolan.build.info", () -> 1)
        .tag("version", build.version())
        .tag("java", build.java())
        .description("Portolan's version and the Java it runs on")
        .register(registry);
  }

  /** A scan ended: counted by protocol and how it ended, with the probes it sent. */
  public void scanFinished(String proto, String status, long probes) {
    Counter.builder("portolan.scans")
        .description("Scans run, by protocol and how they ended")
        .tag("proto", proto)
        .tag("status", status)
        .register(registry)
        .increment();
    Counter.builder("portolan.scan.probes")
        .description("Probes sent by scans (retransmissions included)")
        .tag("proto", proto)
        .register(registry)
        .increment(probes);
  }

  /**
   * A scan or check the policy refused ({@code reason}: "target not allowed", "too many scans"...).
   */
  public void scanRefused(String reason) {
    Counter.builder("portolan.scans.refused")
        .description("Scans and checks refused by the scan policy")
        .tag("reason", reason)
        .register(registry)
        .increment();
  }

  /**
   * A frame or connection a hub's bridge refused ({@code reason}: an {@code AgentRules.Refusal}
   * label, or {@code tls-handshake}, {@code connection-failed}, {@code bad-frame}, {@code
   * unknown-type}).
   */
  public void bridgeRefused(String reason) {
    Counter.builder("portolan.bridge.refused")
        .description("Frames and connections the hub's bridge refused, by reason")
        .tag("reason", reason)
        .register(registry)
        .increment();
  }

  /**
   * Serves {@code count} as the requests to nodes this hub asked once more after a failure of kind
   * {@code reason} (no handler, timeout, the agent's connection closed).
   */
  public void nodeRequestRetries(String reason, java.util.function.LongSupplier count) {
    FunctionCounter.builder("portolan.node.request.retries", count, c -> c.getAsLong())
        .description("Requests to a node asked once more, by what failed the first time")
        .tag("reason", reason)
        .register(registry);
  }

  /** Serves {@code agents} as the number of agents connected to this hub's bridge now. */
  public void bridgeAgents(java.util.function.IntSupplier agents) {
    Gauge.builder("portolan.bridge.agents", agents::getAsInt)
        .description("Agents connected to this hub's bridge now")
        .register(registry);
  }

  /** Serves {@code running} as the number of scans running now. */
  public void scansRunning(java.util.function.IntSupplier running) {
    Gauge.builder("portolan.scans.running", running::getAsInt)
        .description("Scans running now")
        .register(registry);
  }

  private final Map<String, AtomicInteger> fleetNodes = new ConcurrentHashMap<>();

  /** The hub's node counts by status ("up", "stale", "down"), set after every fleet tick. */
  public void fleetNodes(Map<String, Integer> byStatus) {
    byStatus.forEach(
        (status, n) ->
            fleetNodes
                .computeIfAbsent(
                    status,
                    s -> {
                      AtomicInteger holder = new AtomicInteger();
                      Gauge.builder("portolan.fleet.nodes", holder, AtomicInteger::get)
                          .tag("status", s)
                          .description("Nodes this hub knows, by status")
                          .register(registry);
                      return holder;
                    })
                .set(n));
  }

  /**
   * The fleet's nodes as of this tick, for the per-node series ({@link FleetNodeMetrics}); the
   * collector is registered at the first call, so only hubs serve them.
   */
  public void fleetNodeGauges(java.util.List<dev.portolan.fleet.NodeGauge> nodes) {
    OncePerRegistry.get(
            registry.getPrometheusRegistry(),
            FleetNodeMetrics.UP,
            r -> {
              FleetNodeMetrics m = new FleetNodeMetrics(System::currentTimeMillis);
              r.register(m);
              return m;
            })
        .update(nodes);
  }

  /**
   * The hub's fleet clock ran {@code lateMillis} late: the hub itself was paused (GC, stopped, its
   * loop held up), and no node was taken down for that time.
   */
  public void fleetHubPaused(long lateMillis) {
    Counter.builder("portolan.fleet.hub.pauses")
        .description("Times this hub's fleet clock ran a second or more late (the hub was paused)")
        .register(registry)
        .increment();
    Counter.builder("portolan.fleet.hub.paused.seconds")
        .description("Time this hub's fleet clock ran late in all (the hub was paused)")
        .register(registry)
        .increment(lateMillis / 1000.0);
  }

  /**
   * How far past its period the most held-up event loop is ({@code lagMillis}), and the time the
   * fleet did not count nodes' silence because of it ({@link #fleetLoopHeldUp}).
   */
  public void eventLoopLag(java.util.function.LongSupplier lagMillis) {
    Gauge.builder("portolan.event.loop.lag", () -> lagMillis.getAsLong() / 1000.0)
        .baseUnit("seconds")
        .description("How far the most held-up event loop is behind its periodic tick")
        .register(registry);
  }

  /** For {@code millis} one of this hub's event loops was held up: silence not counted. */
  public void fleetLoopHeldUp(long millis) {
    Counter.builder("portolan.fleet.loop.held.seconds")
        .description(
            "Time nodes' silence was not counted because one of this hub's event loops was held up")
        .register(registry)
        .increment(millis / 1000.0);
  }

  /** The hub asked a node for a full snapshot (joined, restarted, or a missed batch). */
  public void fleetResync() {
    Counter.builder("portolan.fleet.resyncs")
        .description("Snapshots asked of nodes (join, restart, missed batch)")
        .register(registry)
        .increment();
  }

  /**
   * Serves the own namespace's TCP reads ({@link TcpCadence}): {@code full} dumped every TCP
   * socket, {@code listeners} only the listeners (nothing moved its TCP counters).
   */
  public void ownTcpReads(TcpCadence cadence) {
    String what =
        "Samples that dumped the own namespace's TCP sockets: full (every state) or listeners"
            + " (its TCP counters had not moved; connections as last read)";
    FunctionCounter.builder("portolan.own.tcp.reads", cadence, TcpCadence::fullReads)
        .tag("kind", "full")
        .description(what)
        .register(registry);
    FunctionCounter.builder("portolan.own.tcp.reads", cadence, TcpCadence::listenerReads)
        .tag("kind", "listeners")
        .description(what)
        .register(registry);
  }

  /**
   * Serves the short-lived socket counters: reported, dropped (over the per-sample cap, or the
   * queue full) and the kernel's overruns (ENOBUFS: one or more destroy notifications lost each).
   */
  public void shortLived(ShortLivedSockets tracker, SocketDestroyListener listener) {
    FunctionCounter.builder("portolan.short.lived.reported", tracker, ShortLivedSockets::reported)
        .description("Short-lived sockets reported (opened and closed between two samples)")
        .register(registry);
    FunctionCounter.builder(
            "portolan.short.lived.dropped", tracker, ShortLivedSockets::droppedOverCap)
        .tag("reason", "over-cap")
        .description(
            "Short-lived sockets not reported: over the per-sample cap ("
                + tracker.maxPerSample()
                + "), or the queue of destroyed sockets was full")
        .register(registry);
    FunctionCounter.builder(
            "portolan.short.lived.dropped", tracker, ShortLivedSockets::droppedQueueFull)
        .tag("reason", "queue-full")
        .description(
            "Short-lived sockets not reported: over the per-sample cap ("
                + tracker.maxPerSample()
                + "), or the queue of destroyed sockets was full")
        .register(registry);
    FunctionCounter.builder("portolan.short.lived.lost", listener, SocketDestroyListener::overruns)
        .description(
            "Times the kernel dropped socket destroy notifications (ENOBUFS): one or more sockets lost each")
        .register(registry);
  }

  /**
   * Serves the sampler's backoff state: the interval it samples at now, the configured one, and
   * whether it is backing off (1) or on its interval (0). Overruns are {@link #sampleOverrun()}.
   */
  public void sampler(java.util.function.Supplier<dev.portolan.sampling.SamplerState> state) {
    Gauge.builder("portolan.sample.interval", state, s -> s.get().intervalMillis() / 1000.0)
        .strongReference(true)
        .baseUnit("seconds")
        .description(
            "The interval the sampler samples at now (longer than configured while it backs off)")
        .register(registry);
    Gauge.builder(
            "portolan.sample.interval.configured", state, s -> s.get().configuredMillis() / 1000.0)
        .strongReference(true)
        .baseUnit("seconds")
        .description("The configured sampling interval")
        .register(registry);
    Gauge.builder("portolan.sample.backing.off", state, s -> s.get().backingOff() ? 1 : 0)
        .strongReference(true)
        .description(
            "1 while the sampler samples less often than configured because samples take too long")
        .register(registry);
  }

  /**
   * Serves the HTTP connection counts: held now, the cap on them, those refused over a cap (per
   * client address or in all) and those closed for not sending a request head in time.
   */
  public static void httpConnections(
      MeterRegistry registry, dev.portolan.limit.ConnectionLimits limits) {
    Gauge.builder("portolan.http.connections", limits, dev.portolan.limit.ConnectionLimits::open)
        .description("HTTP connections held now")
        .register(registry);
    Gauge.builder(
            "portolan.http.connections.max", limits, dev.portolan.limit.ConnectionLimits::maxTotal)
        .description(
            "HTTP connections held at most (the configured cap, kept below the file descriptor limit)")
        .register(registry);
    FunctionCounter.builder(
            "portolan.http.connections.refused",
            limits,
            dev.portolan.limit.ConnectionLimits::refusedOverAddressCap)
        .tag("reason", "address")
        .description("New HTTP connections closed at once: over the per-address or the total cap")
        .register(registry);
    FunctionCounter.builder(
            "portolan.http.connections.refused",
            limits,
            dev.portolan.limit.ConnectionLimits::refusedOverTotalCap)
        .tag("reason", "total")
        .description("New HTTP connections closed at once: over the per-address or the total cap")
        .register(registry);
    FunctionCounter.builder(
            "portolan.http.header.timeouts",
            limits,
            dev.portolan.limit.ConnectionLimits::headerTimeouts)
        .description(
            "HTTP connections closed for not sending a whole request head within the header timeout")
        .register(registry);
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  public void sampleTaken(long nanos, long atMillis, int changeCount, SocketSummary summary) {
    sampleDuration.recordNanos(nanos);
    lastSampleMillis.set(atMillis);
    changes.increment(changeCount);
    socketsByState.values().forEach(v -> v.set(0));
    summary
        .byProtocol()
        .forEach(
            (proto, states) -> {
              for (Map.Entry<SocketState, Integer> e : states.entrySet()) {
                gaugeFor(proto, e.getKey()).set(e.getValue());
              }
            });
  }

  private AtomicInteger gaugeFor(String proto, SocketState state) {
    String label = StateLabel.of(proto, state);
    return socketsByState.computeIfAbsent(
        proto + "/" + label,
        k -> {
          AtomicInteger value = new AtomicInteger();
          Gauge.builder("portolan.sockets", value, AtomicInteger::get)
              .tag("proto", proto)
              .tag("state", label)
              .description("Sockets in the last sample")
              .register(registry);
          return value;
        });
  }

  private final Map<String, AtomicInteger> namespaceCounts = new ConcurrentHashMap<>();

  /**
   * The namespaces of the last sample, by kind and by how they are read ({@code netlink}, {@code
   * proc}; the own namespace: the node's reader {@code ownReader}; {@code none}: no reader could be
   * opened), and what the sample read: {@code portolan_namespaces}, {@code
   * portolan_namespace_reads_total}, {@code portolan_namespace_read_seconds}, {@code
   * portolan_namespace_read_errors_total}. A sample that read no other namespace (namespaces off)
   * changes nothing.
   */
  public void namespacesSampled(NodeNamespaces.Sample sample, String ownReader) {
    NamespaceReads reads = sample.reads();
    if (sample.summaries().isEmpty() && reads.equals(NamespaceReads.NONE)) {
      return;
    }
    Map<String, Integer> counts = new java.util.HashMap<>();
    for (NamespaceSummary s : sample.summaries()) {
      NamespaceLabel label = s.namespace().label();
      String kind =
          label == null ? NamespaceLabel.Kind.UNKNOWN.wireName() : label.kind().wireName();
      String reader = s.own() ? ownReader : s.method() == null ? "none" : s.method();
      counts.merge(kind + "/" + reader, 1, Integer::sum);
    }
    namespaceCounts.values().forEach(v -> v.set(0));
    counts.forEach((key, n) -> namespaceGauge(key).set(n));
    namespaceReads("full").increment(reads.fullReads());
    namespaceReads("listeners").increment(reads.listenerReads());
    namespaceReadDuration.recordNanos(reads.nanos());
    reads
        .errors()
        .forEach(
            (reason, n) ->
                Counter.builder("portolan.namespace.read.errors")
                    .description(
                        "Namespaces a sample could not read, by reason: open (no socket reader could be"
                            + " opened in it), read (its read failed), discovery (discovery failed)")
                    .tag("reason", reason)
                    .register(registry)
                    .increment(n));
  }

  private Counter namespaceReads(String kind) {
    return Counter.builder("portolan.namespace.reads")
        .description(
            "Namespace reads: full (every socket) and listeners (TCP LISTEN, unconnected UDP, unix"
                + " LISTEN only)")
        .tag("kind", kind)
        .register(registry);
  }

  private AtomicInteger namespaceGauge(String kindAndReader) {
    return namespaceCounts.computeIfAbsent(
        kindAndReader,
        k -> {
          AtomicInteger value = new AtomicInteger();
          Gauge.builder("portolan.namespaces", value, AtomicInteger::get)
              .tag("kind", k.substring(0, k.indexOf('/')))
              .tag("reader", k.substring(k.indexOf('/') + 1))
              .description(
                  "Network namespaces in the last sample, by kind and by how they are read")
              .register(registry);
          return value;
        });
  }

  public void sampleFailed() {
    sampleFailures.increment();
  }

  public void sampleOverrun() {
    sampleOverruns.increment();
  }

  public double overruns() {
    return sampleOverruns.count();
  }

  public void sseClientConnected() {
    sseClients.incrementAndGet();
  }

  public void sseClientGone() {
    sseClients.decrementAndGet();
  }

  public void sseClientDropped() {
    sseDropped.increment();
  }

  public void sseReset() {
    sseResets.increment();
  }
}
