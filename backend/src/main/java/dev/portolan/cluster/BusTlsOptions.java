package dev.portolan.cluster;

import dev.portolan.config.BusTls;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;

/**
 * The clustered event bus's network options: bound to and advertising one address, and with {@link BusTls} given,
 * TLS both ways. Every node is a server (other nodes connect to it to deliver messages) and a client (it connects to
 * them), with one certificate for both roles:
 * <ul>
 * <li>as a server it requires a client certificate ({@link ClientAuth#REQUIRED}) signed by the bus CA, so a process
 * without one cannot send this node anything;</li>
 * <li>as a client it checks the server's certificate against the bus CA ({@code trustAll} false, set explicitly: it is
 * true by default for the event bus), so this node delivers nothing, published changes included, to a process without
 * one, even when that process has joined Hazelcast and registered handlers for its addresses.</li>
 * </ul>
 * Host names are not verified: Vert.x's clustered event bus connects with hostname verification off (it sets the
 * algorithm to "" itself), and nodes reach each other by the address they advertise, a pod or node IP that changes
 * with every reschedule. The trust boundary is the CA: any certificate it signed is a member of the bus, so give the
 * bus a CA of its own and sign with it only the certificates of Portolan nodes.
 */
public final class BusTlsOptions {
  private BusTlsOptions() {
  }

  /** Options for a bus bound to and advertising {@code address} on {@code port}; TLS when {@code tls} is not null. */
  public static EventBusOptions eventBusOptions(String address, int port, BusTls tls) {
    EventBusOptions options = new EventBusOptions().setHost(address).setPort(port).setClusterPublicHost(address);
    if (tls == null) {
      return options;
    }
    return options.setSsl(true)
        .setKeyCertOptions(new PemKeyCertOptions().setCertPath(tls.cert().toString()).setKeyPath(tls.key().toString()))
        .setTrustOptions(new PemTrustOptions().addCertPath(tls.ca().toString()))
        .setClientAuth(ClientAuth.REQUIRED)
        .setTrustAll(false);
  }
}
