package dev.portolan.verticles;

import dev.portolan.bus.Addresses;
import dev.portolan.bus.WhyReply;
import dev.portolan.bus.WhyRequest;
import dev.portolan.sampling.OwnedSocket;
import dev.portolan.sampling.SnapshotHolder;
import dev.portolan.service.ServiceNames;
import dev.portolan.why.BindDiagnosis;
import dev.portolan.why.PortDiagnosis;
import dev.portolan.why.PortSettings;
import dev.portolan.why.PortSockets;
import dev.portolan.why.WhyAnswer;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.util.List;

/**
 * Answers {@link Addresses#WHY} on this node: why a bind fails (from the port's sockets read now,
 * so a TIME-WAIT of a moment ago counts) and everything known about a port (the node's own
 * namespace read now, as the last sample may predate the question; other namespaces from that
 * sample). Deployed as a worker verticle: reading the table and /proc blocks.
 */
public final class WhyVerticle extends VerticleBase {
  private final SnapshotHolder latest;
  private final ServiceNames services;
  private PortSockets sockets;

  public WhyVerticle(SnapshotHolder latest, ServiceNames services) {
    this.latest = latest;
    this.services = services;
  }

  /** A reader of its own (the sampler's is not shared across threads), made on first use. */
  private PortSockets sockets() throws IOException {
    if (sockets == null) {
      sockets = PortSockets.ofThisHost();
    }
    return sockets;
  }

  @Override
  public Future<?> start() {
    return vertx
        .eventBus()
        .<JsonObject>consumer(Addresses.onNode(latest.node(), Addresses.WHY), this::answer)
        .completion();
  }

  private void answer(Message<JsonObject> msg) {
    WhyRequest q;
    try {
      q = WhyRequest.fromJson(msg.body());
    } catch (RuntimeException e) {
      msg.fail(400, "not a why request: " + e.getMessage());
      return;
    }
    PortSettings settings = PortSettings.read();
    WhyAnswer answer;
    if (WhyRequest.BIND.equals(q.kind())) {
      try {
        answer =
            BindDiagnosis.answer(
                latest.node(),
                q.proto(),
                q.port(),
                q.address(),
                sockets().onPort(q.proto(), q.port()),
                settings);
      } catch (IOException e) {
        msg.fail(500, "cannot read the socket table: " + e.getMessage());
        return;
      }
    } else if (WhyRequest.PORT.equals(q.kind())) {
      List<OwnedSocket> sampled = latest.get().byLocalPort(q.proto(), q.port());
      List<OwnedSocket> onPort;
      try {
        onPort = sockets().ownNamespaceReadNow(sampled, q.proto(), q.port());
      } catch (IOException e) {
        onPort = sampled; // the sample alone, a moment old
      }
      answer =
          PortDiagnosis.answer(
              latest.node(),
              q.proto(),
              q.port(),
              services.name(q.proto(), q.port()),
              onPort,
              settings);
    } else {
      msg.fail(400, "not a why kind: " + q.kind());
      return;
    }
    msg.reply(new WhyReply(answer).toJson());
  }
}
