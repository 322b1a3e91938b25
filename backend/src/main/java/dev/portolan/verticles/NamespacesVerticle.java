package dev.portolan.verticles;

import dev.portolan.bus.Addresses;
import dev.portolan.bus.NamespacesReply;
import dev.portolan.sampling.Sampler;
import dev.portolan.sampling.SnapshotHolder;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;

/**
 * Answers {@link Addresses#NAMESPACES}: the node's network namespaces as its sampler last read
 * them, with the latest snapshot's sockets counted per namespace. A worker verticle (counting walks
 * every row).
 */
public final class NamespacesVerticle extends VerticleBase {
  private final SnapshotHolder latest;
  private final Sampler sampler;

  public NamespacesVerticle(SnapshotHolder latest, Sampler sampler) {
    this.latest = latest;
    this.sampler = sampler;
  }

  @Override
  public Future<?> start() {
    return vertx
        .eventBus()
        .<JsonObject>consumer(
            Addresses.onNode(latest.node(), Addresses.NAMESPACES),
            msg ->
                msg.reply(
                    NamespacesReply.of(
                            latest.get(),
                            sampler.lastNamespaces(),
                            sampler.namespacesStatus() == null ? "off" : sampler.namespacesStatus(),
                            sampler.readerName())
                        .toJson()))
        .completion();
  }
}
