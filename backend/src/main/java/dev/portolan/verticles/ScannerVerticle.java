package dev.portolan.verticles;

import dev.portolan.audit.AgentAudit;
import dev.portolan.audit.AuditKind;
import dev.portolan.bus.Addresses;
import dev.portolan.bus.AuditJson;
import dev.portolan.bus.ConnectivityReply;
import dev.portolan.bus.ConnectivityRequest;
import dev.portolan.bus.RequestHeaders;
import dev.portolan.bus.ScanEvent;
import dev.portolan.bus.ScanListReply;
import dev.portolan.bus.ScanPolicyReply;
import dev.portolan.bus.ScanRequest;
import dev.portolan.bus.ScanStateReply;
import dev.portolan.http.RequestException;
import dev.portolan.metrics.PortolanMetrics;
import dev.portolan.scan.ConnectivityCheck;
import dev.portolan.scan.PortList;
import dev.portolan.scan.PortResult;
import dev.portolan.scan.PortState;
import dev.portolan.scan.ScanPlan;
import dev.portolan.scan.ScanRecord;
import dev.portolan.scan.ScanRefusedException;
import dev.portolan.scan.ScanRegistry;
import dev.portolan.scan.policy.ScanPolicy;
import dev.portolan.scan.policy.ScanTarget;
import dev.portolan.service.ServiceNames;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * Runs scans from event-bus requests: the policy turns a request into a plan (or refuses it), the
 * registry runs it on the engine, and this verticle publishes its progress, the ports it finds and
 * its end on the scan's own address; and runs connectivity checks. A worker verticle; host names
 * resolve without blocking ({@link HostResolver}) before the policy authorizes a scan or check.
 */
public final class ScannerVerticle extends VerticleBase {
  /** Replaced as a whole when an admin changes it; each request reads it once. */
  private volatile ScanPolicy policy;

  private final ScanRegistry scans;
  private final ServiceNames services;
  private final String node;
  private final ConnectivityCheck checks = ConnectivityCheck.create();
  private HostResolver resolver;

  private final PortolanMetrics metrics;

  /**
   * An agent's own audit of what it is asked (null on a hub or a single node: their web layer
   * audits).
   */
  private final AgentAudit audit;

  public ScannerVerticle(
      String node,
      ScanPolicy policy,
      ScanRegistry scans,
      ServiceNames services,
      PortolanMetrics metrics) {
    this(node, policy, scans, services, metrics, null);
  }

  /**
   * A scanner that records what it is asked in {@code audit} and publishes each record to the hubs.
   */
  public ScannerVerticle(
      String node,
      ScanPolicy policy,
      ScanRegistry scans,
      ServiceNames services,
      PortolanMetrics metrics,
      AgentAudit audit) {
    this.audit = audit;
    this.node = node;
    this.metrics = metrics;
    this.policy = policy;
    this.scans = scans;
    this.services = services;
  }

  @Override
  public Future<?> start() {
    EventBus bus = vertx.eventBus();
    resolver = new HostResolver(vertx);
    metrics.scansRunning(scans::running);
    if (audit != null) {
      audit.log().listen(e -> bus.publish(Addresses.AGENT_AUDIT, AuditJson.entry(e)));
    }
    return Future.all(
        bus.<JsonObject>consumer(Addresses.onNode(node, Addresses.SCAN_START), this::startScan)
            .completion(),
        bus.<JsonObject>consumer(
                Addresses.onNode(node, Addresses.SCAN_STATUS),
                msg ->
                    withScan(
                        msg,
                        scan ->
                            ScanStateReply.of(
                                scan.snapshot(), msg.body().getBoolean("results", false), null)))
            .completion(),
        bus.<JsonObject>consumer(
                Addresses.onNode(node, Addresses.SCAN_CANCEL),
                msg ->
                    withScan(msg, scan -> ScanStateReply.of(scan.snapshot(), false, scan.cancel())))
            .completion(),
        bus.<JsonObject>consumer(Addresses.onNode(node, Addresses.SCAN_LIST), this::list)
            .completion(),
        bus.<JsonObject>consumer(Addresses.onNode(node, Addresses.CONNECTIVITY), this::connectivity)
            .completion(),
        bus.<JsonObject>consumer(Addresses.onNode(node, Addresses.SCAN_POLICY), this::policy)
            .completion());
  }

  /** Answers the policy, after applying {@code change} when the request carries one. */
  private void policy(Message<JsonObject> msg) {
    JsonObject change = msg.body().getJsonObject("change");
    Object allow = change == null ? null : change.getValue("allow");
    String asked = allow == null ? null : allow.toString();
    if (change != null) {
      try {
        java.util.Map<String, Object> fields = new java.util.HashMap<>();
        change.forEach(
            e ->
                fields.put(
                    e.getKey(),
                    e.getValue() instanceof io.vertx.core.json.JsonArray a
                        ? a.getList()
                        : e.getValue()));
        policy =
            policy.withSettings(
                dev.portolan.scan.policy.ScanPolicyUpdate.apply(policy.settings(), fields));
      } catch (RequestException e) {
        audited(msg, AuditKind.SCAN_POLICY, asked, null, e);
        refuse(msg, e);
        return;
      }
    }
    ScanPolicyReply now = ScanPolicyReply.of(node, policy.settings());
    if (change != null && audit != null) {
      audit.done(
          RequestHeaders.requester(msg.headers()),
          AuditKind.SCAN_POLICY,
          asked,
          null,
          "changed",
          now.auditLine());
    }
    msg.reply(now.toJson());
  }

  private void startScan(Message<JsonObject> msg) {
    AuditKind kind =
        "udp".equals(msg.body().getValue("proto")) ? AuditKind.UDP_SCAN : AuditKind.TCP_SCAN;
    try {
      ScanRequest request = ScanRequest.fromJson(msg.body());
      PortList ports = PortList.parse(request.ports(), request.proto());
      if (ScanRequest.SELF_TARGET.equals(request.target())) {
        start(
            msg,
            request,
            kind,
            policy.authorizeOwnAddresses(
                ports, request.proto(), request.preset(), request.banners()));
      } else if (request.target() != null && request.target().contains(",")) {
        start(
            msg,
            request,
            kind,
            policy.authorizeAddresses(
                ScanRequest.addressList(request.target()),
                ports,
                request.proto(),
                request.preset(),
                request.banners()));
      } else {
        ScanTarget target = ScanTarget.parse(request.target());
        withPolicyFor(
            target,
            msg,
            e -> {
              audited(msg, kind, request.target(), request.ports(), e);
              refuse(msg, e);
            },
            p ->
                start(
                    msg,
                    request,
                    kind,
                    p.authorize(
                        target, ports, request.proto(), request.preset(), request.banners())));
      }
    } catch (RequestException e) {
      audited(
          msg,
          kind,
          msg.body().getValue("target") instanceof String t ? t : null,
          msg.body().getValue("ports") instanceof String p ? p : null,
          e);
      refuse(msg, e);
    }
  }

  private void start(Message<JsonObject> msg, ScanRequest request, AuditKind kind, ScanPlan plan) {
    ScanRecord scan = scans.start(request.target(), plan, new Publisher(vertx.eventBus()));
    if (audit != null) {
      audit.scanStarted(RequestHeaders.requester(msg.headers()), kind, request.ports(), scan);
    }
    msg.reply(ScanStateReply.of(scan.snapshot(), false, null).toJson(services));
  }

  /**
   * Runs {@code then} with the policy, once {@code target}'s name (if it is one) has resolved
   * without blocking ({@link HostResolver}); the policy then checks and uses exactly those
   * addresses. A name that does not resolve, and a refusal of {@code then}, go to {@code refused}.
   */
  private void withPolicyFor(
      ScanTarget target,
      Message<JsonObject> msg,
      java.util.function.Consumer<RequestException> refused,
      java.util.function.Consumer<ScanPolicy> then) {
    ScanPolicy current = policy;
    Future<ScanPolicy> ready =
        target.host() == null
            ? Future.succeededFuture(current)
            : resolver
                .resolve(target.host())
                .map(addresses -> current.withResolver(name -> addresses));
    ready.onComplete(
        ar -> {
          try {
            if (ar.failed()) {
              throw ar.cause() instanceof RequestException r
                  ? r
                  : new dev.portolan.http.InvalidQueryException(
                      "does not resolve", String.valueOf(ar.cause()));
            }
            then.accept(ar.result());
          } catch (RequestException e) {
            refused.accept(e);
          } catch (RuntimeException e) {
            msg.fail(500, "scan failed: " + e);
          }
        });
  }

  /**
   * A connectivity check waits up to its timeout: it runs on a virtual thread of its own so that
   * this worker keeps answering scan requests meanwhile (replying is thread-safe).
   */
  private void connectivity(Message<JsonObject> msg) {
    ConnectivityRequest request = ConnectivityRequest.fromJson(msg.body());
    String port = Integer.toString(request.port());
    java.util.function.Consumer<RequestException> refused =
        e -> {
          audited(msg, AuditKind.CONNECTIVITY, request.host(), port, e);
          refuse(msg, e);
        };
    ScanTarget target;
    try {
      target = ScanTarget.parse(request.host());
    } catch (RequestException e) {
      refused.accept(e);
      return;
    }
    withPolicyFor(
        target,
        msg,
        refused,
        p -> {
          InetSocketAddress to = p.authorizeCheck(target, request.port());
          Thread.ofVirtual()
              .name("portolan-check")
              .start(
                  () -> {
                    try {
                      ConnectivityCheck.Result result =
                          checks.check(
                              to.getAddress(),
                              to.getPort(),
                              Duration.ofMillis(request.timeoutMillis()));
                      ConnectivityReply answer = ConnectivityReply.of(node, request.host(), result);
                      if (audit != null) {
                        audit.done(
                            RequestHeaders.requester(msg.headers()),
                            AuditKind.CONNECTIVITY,
                            request.host(),
                            port,
                            answer.status(),
                            answer.reason());
                      }
                      msg.reply(answer.toJson());
                    } catch (RuntimeException e) {
                      msg.fail(500, "check failed: " + e);
                    }
                  });
        });
  }

  /** Records a refused request in this agent's audit (when it keeps one). */
  private void audited(
      Message<JsonObject> msg, AuditKind kind, String target, String ports, RequestException e) {
    if (audit != null) {
      audit.refused(
          RequestHeaders.requester(msg.headers()),
          kind,
          target,
          ports,
          e.status(),
          e.error() + ": " + e.detail());
    }
  }

  /**
   * Replies with the request's status and "error: detail" (what ApiErrors turns back into JSON).
   */
  private void refuse(Message<JsonObject> msg, RequestException e) {
    if (e instanceof ScanRefusedException) {
      metrics.scanRefused(e.error());
    }
    msg.fail(e.status(), e.error() + ": " + e.detail());
  }

  private void withScan(
      Message<JsonObject> msg, java.util.function.Function<ScanRecord, ScanStateReply> answer) {
    ScanRecord scan = scans.get(msg.body().getString("id"));
    if (scan == null) {
      msg.fail(
          404,
          "unknown scan: no scan "
              + msg.body().getString("id")
              + " on this node (it may have been forgotten: the node keeps the most recent ones)");
    } else {
      msg.reply(answer.apply(scan).toJson(services));
    }
  }

  private void list(Message<JsonObject> msg) {
    msg.reply(
        new ScanListReply(
                scans.recent().stream().map(ScanRecord::snapshot).toList(), scans.running())
            .toJson());
  }

  /**
   * Publishes a scan's events on its address; runs on the engine's thread (the event bus is
   * thread-safe).
   */
  private final class Publisher implements ScanRegistry.Observer {
    private final EventBus bus;

    Publisher(EventBus bus) {
      this.bus = bus;
    }

    @Override
    public void onResult(ScanRecord scan, PortResult result) {
      if (result.state() == PortState.OPEN || result.state() == PortState.OPEN_FILTERED) {
        bus.publish(
            Addresses.scanEvents(scan.id()),
            ScanEvent.port(scan.id(), result).toJson(services).put("node", node));
      }
    }

    @Override
    public void onProgress(ScanRecord scan, long done, long total) {
      bus.publish(
          Addresses.scanEvents(scan.id()),
          ScanEvent.progress(scan.id(), done, total).toJson(services).put("node", node));
    }

    @Override
    public void onFinished(ScanRecord scan) {
      ScanRecord.Snapshot s = scan.snapshot();
      metrics.scanFinished(s.proto().wireName(), s.status().wireName(), s.probesSent());
      if (audit != null) {
        audit.scanEnded(s);
      }
      bus.publish(
          Addresses.scanEvents(scan.id()), ScanEvent.done(s).toJson(services).put("node", node));
    }
  }
}
