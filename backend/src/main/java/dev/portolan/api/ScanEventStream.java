package dev.portolan.api;

import dev.portolan.bus.Addresses;
import dev.portolan.bus.ScanEvent;
import dev.portolan.bus.ScanJson;
import dev.portolan.http.ApiErrors;
import dev.portolan.query.NodeRequests;
import dev.portolan.scan.PortResult;
import dev.portolan.scan.PortState;
import dev.portolan.scan.ScanRecord;
import dev.portolan.socket.AddressText;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * One scan's events as Server-Sent Events ({@code /api/v1/scans/{id}/events}, and the dashboard's
 * HTML variant): first the state so far (progress and the ports already found), then live {@code
 * progress}, {@code port} and a final {@code done}, after which the stream ends. A client that
 * joins late, or reconnects, gets the whole picture again from the scan's state. Progress is
 * dropped for a client that does not keep up (the next one supersedes it); found ports are never
 * dropped (there are at most as many as ports scanned).
 */
public final class ScanEventStream {

  private ScanEventStream() {}

  /**
   * {@code format} writes one event as SSE text ({@code event:} and {@code data:} lines and a blank
   * line).
   */
  public static void serve(
      Vertx vertx,
      String node,
      RoutingContext ctx,
      String scanId,
      Function<ScanEvent, String> format) {
    HttpServerResponse response = ctx.response();
    List<ScanEvent> early = new ArrayList<>();
    boolean[] live = {false};
    Set<String> sent = new HashSet<>();
    MessageConsumer<JsonObject> consumer = vertx.eventBus().consumer(Addresses.scanEvents(scanId));
    consumer.handler(
        msg -> {
          if (!ScanEvent.from(node, msg.body())) {
            return; // another node's event for this scan id: not the scan's own
          }
          ScanEvent event = ScanEvent.fromJson(msg.body());
          if (live[0]) {
            send(response, consumer, sent, event, format);
          } else {
            early.add(event);
          }
        });
    // Subscribe first, then read the state: an event between the two is in `early`, and a port is
    // sent once.
    consumer
        .completion()
        .compose(
            v ->
                NodeRequests.ask(
                    vertx,
                    Addresses.onNode(node, Addresses.SCAN_STATUS),
                    new JsonObject().put("id", scanId).put("results", true)))
        .onFailure(
            err -> {
              consumer.unregister();
              ApiErrors.fail(ctx, err);
            })
        .onSuccess(
            reply -> {
              if (response.closed()) {
                consumer.unregister();
                return;
              }
              response
                  .setChunked(true)
                  .putHeader("Content-Type", "text/event-stream; charset=utf-8")
                  .putHeader("Cache-Control", "no-cache")
                  .putHeader("X-Accel-Buffering", "no");
              if (dev.portolan.http.RouteMethods.isHead(ctx)) {
                consumer.unregister();
                response.end(); // a HEAD: the stream's headers, no stream
                return;
              }
              response.closeHandler(v -> consumer.unregister());
              ScanRecord.Snapshot state = ScanJson.snapshotFromJson(reply);
              response.write(": portolan scan " + scanId + "\n");
              send(
                  response,
                  consumer,
                  sent,
                  ScanEvent.progress(scanId, state.done(), state.total()),
                  format);
              for (PortResult r : state.results()) {
                if (r.state() == PortState.OPEN || r.state() == PortState.OPEN_FILTERED) {
                  send(response, consumer, sent, ScanEvent.port(scanId, r), format);
                }
              }
              if (state.status().finished()) {
                send(response, consumer, sent, ScanEvent.done(state), format);
                return;
              }
              live[0] = true;
              for (ScanEvent e : early) {
                send(response, consumer, sent, e, format);
              }
              early.clear();
            });
  }

  private static void send(
      HttpServerResponse response,
      MessageConsumer<JsonObject> consumer,
      Set<String> sent,
      ScanEvent event,
      Function<ScanEvent, String> format) {
    if (response.ended() || response.closed()) {
      return;
    }
    switch (event.type()) {
      case PROGRESS -> {
        if (!response.writeQueueFull()) {
          response.write(format.apply(event));
        }
      }
      case PORT -> {
        if (sent.add(
            AddressText.of(event.result().address().getAddress()) + " " + event.result().port())) {
          response.write(format.apply(event));
        }
      }
      case DONE -> {
        consumer.unregister();
        response.end(format.apply(event));
      }
    }
  }
}
