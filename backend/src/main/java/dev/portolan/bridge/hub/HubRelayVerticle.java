package dev.portolan.bridge.hub;

import dev.portolan.bus.Addresses;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import java.util.ArrayList;
import java.util.List;

/**
 * One per hub: what the other hubs relay of their agents' publications ({@link Addresses#relayOf})
 * is handed on, with its headers, to this hub's consumers of the fleet address, locally. A hub's
 * own relays come back to it too (a publication reaches every consumer) and are dropped: its
 * consumers had them locally already, from {@link AgentConnection}.
 */
public final class HubRelayVerticle extends VerticleBase {
  private final String hubName;

  public HubRelayVerticle(String hubName) {
    this.hubName = hubName;
  }

  @Override
  public Future<?> start() {
    List<Future<Void>> registered = new ArrayList<>();
    for (String address : Addresses.RELAYED) {
      registered.add(
          vertx
              .eventBus()
              .consumer(Addresses.relayOf(address), (Message<Object> m) -> handOn(address, m))
              .completion());
    }
    return Future.all(registered);
  }

  private void handOn(String address, Message<Object> relayed) {
    MultiMap headers = relayed.headers();
    if (hubName.equals(headers.get(AgentConnection.VIA))) {
      return;
    }
    vertx
        .eventBus()
        .publish(
            address,
            relayed.body(),
            new DeliveryOptions()
                .setHeaders(MultiMap.caseInsensitiveMultiMap().addAll(headers))
                .setLocalOnly(true));
  }
}
