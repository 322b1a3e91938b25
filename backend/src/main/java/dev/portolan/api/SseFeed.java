package dev.portolan.api;

import dev.portolan.bus.ChangeBatch;
import dev.portolan.bus.CompletenessReply;
import dev.portolan.bus.JsonText;
import dev.portolan.fleet.FleetCompleteness;
import dev.portolan.http.InvalidQueryException;
import dev.portolan.http.QueryValues;
import dev.portolan.metrics.PortolanMetrics;
import dev.portolan.sampling.ChangeHistory;
import dev.portolan.sampling.ChangeKind;
import dev.portolan.sampling.EventId;
import dev.portolan.sampling.SocketChange;
import dev.portolan.sampling.SocketFilter;
import dev.portolan.service.ServiceNames;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayDeque;
import java.util.EnumSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The {@code /api/v1/events} Server-Sent Events feed: one event per change of any node, {@code id:}
 * its sequence number in this hub's change history (shared with the fleet aggregator, which
 * appends), {@code event: node} when a node goes up, stale or down, filtered per client with the
 * {@code /api/v1/sockets} filters and {@code change} (the kinds of change wanted: opened, closed,
 * state-changed, owner-changed, namespace-changed, short-lived; comma-separated), resumable with
 * {@code Last-Event-ID} from a bounded history ({@code event: reset} when the id is older, or of
 * another run: ids are {@code RUN:SEQ}, see {@link EventId}). A client that does not read fast
 * enough gets a bounded backlog, then {@code event: reset} and the connection is closed: memory
 * never grows without bound. Runs on the web verticle's event loop only.
 */
public final class SseFeed {
  static final int MAX_BACKLOG = 256;

  /**
   * Bytes (counted as chars) handed to a client's connection and not yet written to its socket,
   * beyond which the feed keeps events in the client's backlog instead. Counted here because Vert.x
   * 5's {@code writeQueueFull()} counts queued writes, not bytes: a client that reads nothing could
   * otherwise hold several whole batches in memory.
   */
  static final int MAX_UNWRITTEN = 64 * 1024;

  /** The parameters the feed takes besides the socket filters ({@link SocketFilter#PARAMETERS}). */
  public static final String[] PARAMETERS = {"last-event-id", "change"};

  private static final long HEARTBEAT_MILLIS = 15_000;

  /**
   * How long a new client may be held while the hub resyncs its fleet (just started: see {@link
   * dev.portolan.fleet.FleetCompleteness}), and how often it asks whether it is complete.
   */
  static final long HOLD_MAX_MILLIS = 20_000;

  private static final long HOLD_POLL_MILLIS = 200;
  private static final io.vertx.core.eventbus.DeliveryOptions LOCAL =
      new io.vertx.core.eventbus.DeliveryOptions().setLocalOnly(true).setSendTimeout(5_000);

  private final Vertx vertx;
  private final ChangeHistory history;
  private final ServiceNames services;
  private final PortolanMetrics metrics;
  private final Set<Client> clients = new LinkedHashSet<>();
  private final SseFormat json =
      new SseFormat() {
        @Override
        public String event(String id, SocketChange change) {
          StringBuilder sb = new StringBuilder(768);
          appendEvent(sb, id, change);
          return sb.toString();
        }

        @Override
        public void appendEvent(StringBuilder out, String id, SocketChange change) {
          format(out, id, change);
        }
      };

  /**
   * Writes the JSON of changes (as {@link ChangeBatch#changeToJson} would); used on the web event
   * loop only.
   */
  private final JsonText jsonText;

  private final long heartbeatMillis;
  private long heartbeatTimer = -1;

  public SseFeed(
      Vertx vertx, ChangeHistory history, ServiceNames services, PortolanMetrics metrics) {
    this(vertx, history, services, metrics, HEARTBEAT_MILLIS);
  }

  /** A feed whose clients get a comment line every {@code heartbeatMillis}. */
  public SseFeed(
      Vertx vertx,
      ChangeHistory history,
      ServiceNames services,
      PortolanMetrics metrics,
      long heartbeatMillis) {
    this.heartbeatMillis = heartbeatMillis;
    this.vertx = vertx;
    this.history = history;
    this.services = services;
    this.metrics = metrics;
    // a hub's feed writes the whole fleet's owners; on a node only its own processes, and only
    // while a client is connected
    this.jsonText = new JsonText(services, JsonText.FLEET_CACHED_OWNERS);
  }

  /** The changes of {@code kind} the feed still holds, reported at or after {@code sinceMillis}. */
  public List<SocketChange> recent(ChangeKind kind, long sinceMillis) {
    return history.recent(kind, sinceMillis);
  }

  public void start() {
    heartbeatTimer = vertx.setPeriodic(heartbeatMillis, id -> heartbeat());
  }

  /**
   * The heartbeat interval for connections closed after {@code idleTimeout} with nothing written:
   * every 15 s, or a third of the idle timeout when that is shorter, so that a quiet feed is never
   * taken for an idle connection.
   */
  public static long heartbeatWithin(java.time.Duration idleTimeout) {
    return Math.max(100, Math.min(HEARTBEAT_MILLIS, idleTimeout.toMillis() / 3));
  }

  public void stop() {
    vertx.cancelTimer(heartbeatTimer);
    for (Client c : List.copyOf(clients)) {
      c.response.end();
    }
  }

  public int clientCount() {
    return clients.size();
  }

  /**
   * Changes the fleet aggregator already numbered and appended to the history: to every client
   * whose filter matches and that has not had them yet (a client that resumed may have got them
   * from the history already).
   */
  public void onChanges(List<SocketChange> changes) {
    if (clients.isEmpty()) {
      return;
    }
    // One copy per batch: a client cut off while sending leaves the set, and is skipped as closed.
    List<Client> receivers = List.copyOf(clients);
    // Each client's events of this batch go out in one write (one chunk, one flush) rather than one
    // per change. A change's event is written once per format, in place, into the first receiving
    // client's text; other clients of that format copy it from there.
    StringBuilder[] pending = new StringBuilder[receivers.size()];
    int[] counts = new int[receivers.size()];
    Map<SseFormat, int[]> written = new IdentityHashMap<>(2); // format -> {client, start, end}
    for (SocketChange change : changes) {
      written.clear();
      String id = null;
      for (int i = 0; i < pending.length; i++) {
        Client c = receivers.get(i);
        if (change.seq() > c.lastSent && c.wants(change)) {
          StringBuilder out = pending[i];
          if (out == null) {
            out = pending[i] = new StringBuilder(1024);
          }
          int[] at = written.get(c.format);
          if (at == null) {
            id = id == null ? history.idOf(change.seq()) : id;
            int start = out.length();
            c.format.appendEvent(out, id, change);
            written.put(c.format, new int[] {i, start, out.length()});
          } else {
            out.append(pending[at[0]], at[1], at[2]);
          }
          counts[i]++;
          c.lastSent = change.seq();
        }
      }
    }
    for (int i = 0; i < pending.length; i++) {
      if (pending[i] != null) {
        receivers.get(i).send(pending[i].toString(), counts[i]);
      }
    }
  }

  /**
   * A node went up, stale or down: {@code event: node} to every client whose filter admits that
   * node.
   */
  public void onNodeStatus(JsonObject status) {
    String text = "event: node\ndata: " + status.encode() + "\n\n";
    String node = status.getString("node");
    for (Client c : List.copyOf(clients)) {
      if (c.filter.node() == null || c.filter.node().equals(node)) {
        c.send(text);
      }
    }
  }

  /** Serves the JSON feed ({@code /api/v1/events}). */
  public void handle(RoutingContext ctx, Map<String, List<String>> params) {
    handle(ctx, params, json);
  }

  /**
   * Serves the feed with each change written by {@code format} (e.g. an HTML row for the
   * dashboard), with the same filters, resume, heartbeats and slow-client handling as the JSON
   * feed.
   */
  public void handle(RoutingContext ctx, Map<String, List<String>> params, SseFormat format) {
    SocketFilter filter = SocketFilter.parse(params);
    Set<ChangeKind> kinds = changeKinds(QueryValues.single(params, "change"));
    EventId resumeFrom = lastEventId(ctx, params);
    HttpServerResponse response = ctx.response();
    response
        .setChunked(true)
        .putHeader("Content-Type", "text/event-stream; charset=utf-8")
        .putHeader("Cache-Control", "no-cache")
        .putHeader("X-Accel-Buffering", "no")
        .setWriteQueueMaxSize(64 * 1024);
    if (dev.portolan.http.RouteMethods.isHead(ctx)) {
      response.end(); // a HEAD: the stream's headers, no stream
      return;
    }
    Client client = new Client(response, filter, kinds, format);
    client.connection = ctx.request().connection();
    metrics.sseClientConnected();
    response.closeHandler(v -> client.gone());
    response.exceptionHandler(err -> client.gone());
    // A hub that is still resyncing (just started) would serve an empty or partial fleet as the
    // truth: the client is
    // held (its reset or replay included) until the fleet is complete, or for HOLD_MAX_MILLIS at
    // most.
    whenComplete(
        client,
        System.currentTimeMillis() + HOLD_MAX_MILLIS,
        true,
        () -> serve(client, resumeFrom, format));
  }

  /**
   * Runs {@code then} once the fleet is complete or at {@code until}; not at all if the client went
   * meanwhile.
   */
  private void whenComplete(Client client, long until, boolean first, Runnable then) {
    vertx
        .eventBus()
        .<JsonObject>request(dev.portolan.bus.Addresses.FLEET_COMPLETE, new JsonObject(), LOCAL)
        .onComplete(
            ar -> {
              if (client.closed) {
                return;
              }
              // No answer (no fleet aggregator here): nothing to wait for.
              FleetCompleteness answer =
                  ar.failed()
                      ? FleetCompleteness.COMPLETE
                      : CompletenessReply.fromJson(ar.result().body()).completeness();
              if (answer.complete() || System.currentTimeMillis() >= until) {
                then.run();
                return;
              }
              if (first) {
                client.response.write(
                    ": this hub is resyncing its fleet ("
                        + answer.reason().replaceAll("[\\r\\n]", " ")
                        + "); the feed starts when it is complete\n");
              }
              vertx.setTimer(HOLD_POLL_MILLIS, t -> whenComplete(client, until, false, then));
            });
  }

  /** Starts the feed for a client: from now, or replaying what it missed, or a reset. */
  private void serve(Client client, EventId resumeFrom, SseFormat format) {
    HttpServerResponse response = client.response;
    clients.add(client);
    // Comment lines end with one newline only: a blank line after them would make some client
    // libraries
    // (Vert.x's SSE codec among them) dispatch an empty event, where browsers dispatch nothing.
    long atConnect = history.lastSeq();
    client.lastSent = atConnect;
    response.write(": portolan change feed, run " + history.run() + ", seq " + atConnect + "\n");
    if (resumeFrom != null) {
      ChangeHistory.Resume resume = history.since(resumeFrom);
      if (resume.reset()) {
        metrics.sseReset();
        client.send(
            reset(
                "last-event-id "
                    + resumeFrom.text()
                    + (resume.otherRun()
                        ? " is from another run (this one is "
                            + history.run()
                            + "): re-read the snapshot"
                        : " is older than the history (or from another run): re-read the snapshot")));
      } else {
        for (SocketChange c : resume.missed()) {
          if (client.wants(c)) {
            client.send(format.event(history.idOf(c.seq()), c));
          }
          client.lastSent = Math.max(client.lastSent, c.seq());
        }
      }
    }
  }

  /**
   * The {@code change} parameter: the kinds wanted, by wire name, comma-separated; null (every
   * kind) when absent.
   */
  static Set<ChangeKind> changeKinds(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    Set<ChangeKind> kinds = EnumSet.noneOf(ChangeKind.class);
    for (String word : value.split(",", 16)) {
      String w = word.trim().toLowerCase(Locale.ROOT);
      if (w.isEmpty()) {
        continue;
      }
      try {
        kinds.add(ChangeKind.fromWire(w));
      } catch (IllegalArgumentException e) {
        throw new InvalidQueryException(
            "invalid change",
            "unknown change "
                + QueryValues.echo(w)
                + "; use opened, closed, state-changed, owner-changed, namespace-changed or short-lived,"
                + " comma-separated");
      }
    }
    if (kinds.isEmpty()) {
      throw new InvalidQueryException("invalid change", "give at least one kind of change");
    }
    return kinds;
  }

  private static EventId lastEventId(RoutingContext ctx, Map<String, List<String>> params) {
    // The header wins: EventSource sends it on every reconnect with the last id it saw, while a
    // ?last-event-id=
    // in the URL stays what the page was rendered with (replaying from it again would show changes
    // twice).
    String value = ctx.request().getHeader("Last-Event-ID");
    if (value == null || value.isBlank()) {
      value = QueryValues.single(params, "last-event-id");
    }
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      return EventId.parse(value);
    } catch (IllegalArgumentException e) {
      throw new InvalidQueryException(
          "invalid last-event-id",
          "last-event-id must be an event id this feed sent ("
              + e.getMessage()
              + "): "
              + QueryValues.echo(value));
    }
  }

  private void format(StringBuilder sb, String id, SocketChange c) {
    sb.append("id: ").append(id).append("\nevent: ").append(c.kind().sseEvent()).append("\ndata: ");
    jsonText.change(sb, c);
    sb.append("\n\n");
  }

  private String reset(String reason) {
    long seq = history.lastSeq();
    return "id: "
        + history.idOf(seq)
        + "\nevent: reset\ndata: "
        + new JsonObject().put("reason", reason).put("seq", seq).put("run", history.run()).encode()
        + "\n\n";
  }

  private void heartbeat() {
    for (Client c : List.copyOf(clients)) {
      if (!c.full()) {
        c.write(": heartbeat\n");
      }
    }
  }

  private record Waiting(String text, int events) {}

  private final class Client {
    final HttpServerResponse response;
    final SocketFilter filter;

    /** The kinds of change this client wants; null for all. */
    final Set<ChangeKind> kinds;

    final SseFormat format;

    /**
     * Texts waiting for the connection, each with how many events it carries (a batch's, for this
     * client).
     */
    final ArrayDeque<Waiting> backlog = new ArrayDeque<>();

    /** Events in {@link #backlog}. */
    int backlogEvents;

    /** Chars handed to the connection and not yet written to the socket. */
    long unwritten;

    /** The hub seq up to which this client has had (or was not due) every change. */
    long lastSent;

    boolean closed;

    /** The connection the feed goes over, closed when a client cut off does not go by itself. */
    io.vertx.core.http.HttpConnection connection;

    Client(
        HttpServerResponse response, SocketFilter filter, Set<ChangeKind> kinds, SseFormat format) {
      this.response = response;
      this.filter = filter;
      this.kinds = kinds;
      this.format = format;
    }

    boolean wants(SocketChange change) {
      return (kinds == null || kinds.contains(change.kind()))
          && filter.matches(change.node(), change.current());
    }

    void send(String text) {
      send(text, 1);
    }

    /**
     * Writes {@code text} ({@code events} events) now when nothing waits before it and the
     * connection takes it; else keeps it in the backlog, unless that would hold more than {@link
     * #MAX_BACKLOG} events: then the client is cut off.
     */
    void send(String text, int events) {
      if (closed) {
        return;
      }
      if (backlog.isEmpty() && !full()) {
        write(text);
        return;
      }
      if (backlogEvents + events > MAX_BACKLOG) {
        cutOff();
        return;
      }
      if (backlog.isEmpty()) {
        response.drainHandler(v -> drain());
      }
      backlog.addLast(new Waiting(text, events));
      backlogEvents += events;
    }

    /**
     * True while the connection holds as much as a client may have waiting: the next events wait in
     * the backlog.
     */
    boolean full() {
      return unwritten >= MAX_UNWRITTEN || response.writeQueueFull();
    }

    /**
     * Hands {@code text} to the connection, counted until it is written to the socket; then drains
     * the backlog.
     */
    void write(String text) {
      int size = text.length();
      unwritten += size;
      response
          .write(text)
          .onComplete(
              ar -> {
                unwritten -= size;
                if (!closed && !backlog.isEmpty() && !full()) {
                  drain();
                }
              });
    }

    private void drain() {
      while (!backlog.isEmpty() && !full()) {
        Waiting next = backlog.removeFirst();
        backlogEvents -= next.events();
        write(next.text());
      }
      if (!backlog.isEmpty()) {
        response.drainHandler(v -> drain());
      }
    }

    private void cutOff() {
      backlog.clear();
      backlogEvents = 0;
      metrics.sseClientDropped();
      metrics.sseReset();
      response.write(
          reset("client too slow: events were dropped; re-read the snapshot and reconnect"));
      response.end();
      gone();
      // A client that reads nothing would keep the connection and its buffered bytes: close it
      // hard. (Not with
      // reset(): on HTTP/1.x it refuses a response already ended, and the connection would stay
      // open for good.)
      vertx.setTimer(
          5_000,
          t -> {
            if (!response.closed()) {
              connection.close();
            }
          });
    }

    void gone() {
      if (!closed) {
        closed = true;
        backlog.clear();
        backlogEvents = 0;
        clients.remove(this);
        metrics.sseClientGone();
      }
    }
  }
}
