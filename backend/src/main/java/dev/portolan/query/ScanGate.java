package dev.portolan.query;

import dev.portolan.audit.AuditEntry;
import dev.portolan.audit.AuditKind;
import dev.portolan.audit.AuditLog;
import dev.portolan.bus.Addresses;
import dev.portolan.bus.AuditJson;
import dev.portolan.bus.ConnectivityReply;
import dev.portolan.bus.ScanEvent;
import dev.portolan.bus.ScanJson;
import dev.portolan.bus.ScanPolicyReply;
import dev.portolan.http.Caller;
import dev.portolan.http.RateLimitedException;
import dev.portolan.http.RequestException;
import dev.portolan.limit.RateLimitSettings;
import dev.portolan.limit.UserRateLimiter;
import dev.portolan.scan.PortState;
import dev.portolan.scan.ScanRecord;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.logging.Logger;

/**
 * Where every scan and check passes at the web layer, on the node that took the HTTP request (a
 * hub, for a fleet): the caller's rate limit ({@link UserRateLimiter}, one bucket per user for
 * scans and one for checks) and the audit log ({@link AuditLog}): who, from which address, what,
 * from which node, and how it went. An accepted scan's entry is completed when the scan ends (its
 * {@code done} event on the bus, or its state asked of its node).
 */
public final class ScanGate {
  /** The logger every audit record goes to as one JSON line. */
  public static final String AUDIT_LOGGER = "portolan.audit";

  /** At most this many characters of a target or port list as asked are kept. */
  static final int MAX_TEXT = 512;

  private static final long POLL_MILLIS = 30_000;
  private static final Logger AUDIT = Logger.getLogger(AUDIT_LOGGER);

  private final Vertx vertx;
  private final AuditLog log;
  private final UserRateLimiter scans;
  private final UserRateLimiter checks;
  private final String localNode;

  public ScanGate(Vertx vertx, AuditLog log, RateLimitSettings settings, String localNode) {
    this.vertx = vertx;
    this.log = log;
    this.scans = new UserRateLimiter(settings.scanRate(), settings.scanBurst());
    this.checks = new UserRateLimiter(settings.checkRate(), settings.checkBurst());
    this.localNode = localNode;
  }

  /**
   * Sends every record to the {@value #AUDIT_LOGGER} logger as one JSON line (a summary of refusals
   * twice: its first, and its count when its minute has closed).
   */
  public static void logEachEntry(AuditLog log) {
    log.listen(e -> AUDIT.info(AuditJson.entry(e).encode()));
  }

  public AuditLog log() {
    return log;
  }

  /**
   * A scan or check asked by the caller of {@code ctx}: {@code kind}, run on {@code node} (null:
   * this process's own node; a reachability matrix runs from several), {@code target} and {@code
   * ports} as asked (null when not given). Takes a token of the caller's bucket; over the limit,
   * the refusal is audited, the response gets its {@code Retry-After} and {@link
   * RateLimitedException} is thrown.
   */
  public Attempt enter(
      RoutingContext ctx, AuditKind kind, String node, String target, String ports) {
    String runsOn = node != null || kind == AuditKind.REACHABILITY ? node : localNode;
    Attempt attempt = new Attempt(Caller.name(ctx), remote(ctx), kind, runsOn, target, ports);
    UserRateLimiter limiter = kind.scan() ? scans : checks;
    UserRateLimiter.Decision decision = limiter.tryAcquire(attempt.user);
    if (!decision.allowed()) {
      long seconds = decision.retryAfterSeconds();
      String what = kind.scan() ? "scans" : "checks";
      String limit =
          attempt.user
              + " may start "
              + limiter.rate().words(what)
              + " (a burst of "
              + limiter.burst()
              + ")";
      String setBy =
          " (the limit is set by "
              + (kind.scan()
                  ? "--scan-rate and " + RateLimitSettings.SCAN_BURST
                  : "--check-rate and " + RateLimitSettings.CHECK_BURST)
              + " on "
              + (localNode == null ? "this hub" : localNode)
              + ")";
      RateLimitedException refusal =
          new RateLimitedException(limit + "; try again in " + seconds + " s" + setBy, seconds);
      ctx.response().putHeader("Retry-After", Long.toString(seconds));
      // audited without the wait, which changes with every refusal: the refusals of a minute count
      // in one summary
      attempt.refused(429, refusal.error() + ": " + limit + setBy);
      throw refusal;
    }
    return attempt;
  }

  private static String remote(RoutingContext ctx) {
    SocketAddress a = ctx.request().remoteAddress();
    return a == null ? null : a.hostAddress();
  }

  private static String clip(String s) {
    return s == null || s.length() <= MAX_TEXT ? s : s.substring(0, MAX_TEXT) + "…";
  }

  /**
   * One scan or check on its way: what is known of it so far, and how it ends. Used on the event
   * loop.
   */
  public final class Attempt {
    private final String user;
    private final String remoteAddress;
    private final long requestedAt = System.currentTimeMillis();
    private AuditKind kind;
    private String node;
    private String target;
    private String ports;
    private boolean recorded;

    private Attempt(
        String user,
        String remoteAddress,
        AuditKind kind,
        String node,
        String target,
        String ports) {
      this.user = user;
      this.remoteAddress = remoteAddress;
      this.kind = kind;
      this.node = node;
      this.target = clip(target);
      this.ports = clip(ports);
    }

    /** The kind once the request is parsed (a scan's protocol). */
    public Attempt kind(AuditKind exact) {
      this.kind = exact;
      return this;
    }

    /** What it scans or checks and which ports, once known (null keeps what was asked). */
    public Attempt what(String newTarget, String newPorts) {
      if (newTarget != null) {
        this.target = clip(newTarget);
      }
      if (newPorts != null) {
        this.ports = clip(newPorts);
      }
      return this;
    }

    /** The node that runs it, once known. */
    public Attempt node(String name) {
      if (name != null) {
        this.node = name;
      }
      return this;
    }

    private AuditEntry entry(
        AuditEntry.Outcome outcome,
        int status,
        String reason,
        long finishedAt,
        String scanId,
        String state,
        AuditEntry.ScanCounts counts,
        AuditEntry.CheckResult check,
        List<String> nodes) {
      return new AuditEntry(
          0,
          user,
          remoteAddress,
          kind,
          node,
          nodes,
          target,
          ports,
          requestedAt,
          finishedAt,
          outcome,
          status,
          reason,
          scanId,
          state,
          counts,
          check);
    }

    /**
     * Records a refusal: bad input (only when the request named a target: a request for nothing is
     * no scan), a policy's refusal, the rate limit, an unknown or down node, a node that did not
     * answer.
     */
    public void refused(Throwable failure) {
      if (recorded) {
        return;
      }
      int status;
      String reason;
      if (failure instanceof RequestException r) {
        status = r.status();
        reason = r.error() + ": " + r.detail();
      } else if (failure instanceof ReplyException e
          && e.failureType() != ReplyFailure.RECIPIENT_FAILURE) {
        status = 503;
        reason = "unavailable: the node did not answer in time (" + e.failureType() + ")";
      } else {
        status = 500;
        reason = "internal error: " + failure;
      }
      refused(status, reason);
    }

    /**
     * Records a refusal with its status and reason, counted into the summary of the caller's
     * refusals of this kind and reason in this minute ({@link AuditLog#refused}).
     */
    private void refused(int status, String reason) {
      if (recorded || (status == 400 && (target == null || target.isBlank()))) {
        return;
      }
      recorded = true;
      log.refused(
          entry(
              AuditEntry.Outcome.REFUSED,
              status,
              reason,
              System.currentTimeMillis(),
              null,
              "refused",
              null,
              null,
              null));
    }

    /**
     * Records a scan its node accepted ({@code scan}: its state as the node answered), and follows
     * it to its end.
     */
    public void scanAccepted(ScanRecord.Snapshot s) {
      if (recorded) {
        return;
      }
      recorded = true;
      node(s.node());
      AuditEntry added =
          log.add(
              entry(
                  AuditEntry.Outcome.ACCEPTED, 202, null, 0, s.id(), "running", null, null, null));
      if (s.status().finished()) {
        finish(added.id(), s);
      } else {
        follow(added.id(), s.node(), s.id());
      }
    }

    /** Records a connectivity check's answer. */
    public void checked(ConnectivityReply answer) {
      if (recorded) {
        return;
      }
      recorded = true;
      node(answer.node());
      log.add(
          entry(
              AuditEntry.Outcome.ACCEPTED,
              200,
              null,
              System.currentTimeMillis(),
              null,
              "done",
              null,
              new AuditEntry.CheckResult(answer.status(), answer.reason(), null, null),
              null));
    }

    /** Records a scan policy change: the policy the node holds now. */
    public void policyChanged(ScanPolicyReply policy) {
      if (recorded) {
        return;
      }
      recorded = true;
      node(policy.node());
      log.add(
          entry(
              AuditEntry.Outcome.ACCEPTED,
              200,
              null,
              System.currentTimeMillis(),
              null,
              "done",
              null,
              new AuditEntry.CheckResult("changed", policy.auditLine(), null, null),
              null));
    }

    /**
     * Records a reachability matrix's answer: from which nodes it ran, and from how many the target
     * was reached.
     */
    public void matrix(Reachability.Answer answer) {
      if (recorded) {
        return;
      }
      recorded = true;
      List<String> from = answer.results().stream().map(Reachability.Row::node).toList();
      log.add(
          entry(
              AuditEntry.Outcome.ACCEPTED,
              200,
              null,
              System.currentTimeMillis(),
              null,
              "done",
              null,
              new AuditEntry.CheckResult(null, null, answer.reachableFrom(), answer.of()),
              from));
    }
  }

  /** Completes entry {@code id} when scan {@code scanId} on {@code node} ends. */
  private void follow(long id, String node, String scanId) {
    boolean[] over = {false};
    long[] timer = {-1};
    MessageConsumer<JsonObject> consumer = vertx.eventBus().consumer(Addresses.scanEvents(scanId));
    Runnable stop =
        () -> {
          over[0] = true;
          consumer.unregister();
          vertx.cancelTimer(timer[0]);
        };
    consumer.handler(
        msg -> {
          if (!ScanEvent.from(node, msg.body())) {
            return; // another node's event for this scan id: not the scan's own
          }
          ScanEvent event = ScanEvent.fromJson(msg.body());
          if (event.type() == ScanEvent.Type.DONE && !over[0]) {
            stop.run();
            finish(id, event.status());
          }
        });
    Runnable poll =
        () ->
            NodeRequests.ask(
                    vertx,
                    Addresses.onNode(node, Addresses.SCAN_STATUS),
                    new JsonObject().put("id", scanId))
                .onComplete(
                    ar -> {
                      if (over[0]) {
                        return;
                      }
                      if (ar.succeeded()) {
                        ScanRecord.Snapshot s = ScanJson.snapshotFromJson(ar.result());
                        if (s.status().finished()) {
                          stop.run();
                          finish(id, s);
                        }
                      } else if ((ar.cause() instanceof RequestException r && r.status() == 404)
                          || (ar.cause() instanceof ReplyException e
                              && e.failureType() == ReplyFailure.NO_HANDLERS)) {
                        stop.run();
                        log.update(
                            id,
                            e ->
                                e.finished(
                                    "lost",
                                    System.currentTimeMillis(),
                                    null,
                                    "the end of the scan is unknown: "
                                        + node
                                        + " no longer knows it (the node left the fleet or restarted)"));
                      }
                    });
    // subscribed first, then asked: a scan that ended in between is seen finished
    consumer.completion().onComplete(v -> poll.run());
    timer[0] = vertx.setPeriodic(POLL_MILLIS, t -> poll.run());
  }

  private void finish(long id, ScanRecord.Snapshot s) {
    AuditEntry.ScanCounts counts =
        new AuditEntry.ScanCounts(
            s.count(PortState.OPEN),
            s.count(PortState.CLOSED),
            s.count(PortState.FILTERED),
            s.count(PortState.OPEN_FILTERED),
            s.addresses().size(),
            s.total());
    long at = s.finishedAt() > 0 ? s.finishedAt() : System.currentTimeMillis();
    log.update(id, e -> e.finished(s.status().wireName(), at, counts, s.error()));
  }
}
