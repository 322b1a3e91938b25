package dev.portolan.cluster;

import dev.portolan.config.BusTls;
import dev.portolan.config.PortolanConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.ClientSSLOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.ServerSSLOptions;
import io.vertx.core.net.TrustOptions;
import java.lang.reflect.Field;

/**
 * The clustered event bus's network options: bound to and advertising one address, and with {@link
 * BusTls} given, TLS both ways. Every node is a server (other nodes connect to it to deliver
 * messages) and a client (it connects to them), with one certificate for both roles:
 *
 * <ul>
 *   <li>as a server it requires a client certificate ({@link ClientAuth#REQUIRED}) signed by the
 *       bus CA, so a process without one cannot send this node anything;
 *   <li>as a client it checks the server's certificate against the bus CA ({@code trustAll} false,
 *       set explicitly: it is true by default for the event bus), so this node delivers nothing,
 *       published changes included, to a process without one, even when that process has joined
 *       Hazelcast and registered handlers for its addresses.
 * </ul>
 *
 * Host names are not verified: Vert.x's clustered event bus connects with hostname verification off
 * (it sets the algorithm to "" itself), and nodes reach each other by the address they advertise, a
 * pod or node IP that changes with every reschedule. The trust boundary is the CA: any certificate
 * it signed is a member of the bus, so give the bus a CA of its own and sign with it only the
 * certificates of Portolan nodes.
 *
 * <p>Within the CA, roles ({@link BusIdentity}, {@link BusRole}): {@link #enforceRoles} makes both
 * directions also require the peer's role, so that an agent exchanges messages only with hubs (a
 * hub's request reaches an agent over a connection the hub opened, authenticated by the hub's
 * client certificate; the agent's answers, heartbeats and changes travel over connections the agent
 * opened to hubs) and a hub with hubs and agents.
 */
public final class BusTlsOptions {
  private BusTlsOptions() {}

  /**
   * Options for a bus bound to and advertising {@code address} on {@code port}; TLS when {@code
   * tls} is not null.
   */
  public static EventBusOptions eventBusOptions(String address, int port, BusTls tls) {
    EventBusOptions options =
        new EventBusOptions().setHost(address).setPort(port).setClusterPublicHost(address);
    if (tls == null) {
      return options;
    }
    return options
        .setSsl(true)
        .setKeyCertOptions(
            new PemKeyCertOptions()
                .setCertPath(tls.cert().toString())
                .setKeyPath(tls.key().toString()))
        .setTrustOptions(new PemTrustOptions().addCertPath(tls.ca().toString()))
        .setClientAuth(ClientAuth.REQUIRED)
        .setTrustAll(false);
  }

  /**
   * Checks, before the node starts, that its own certificate carries the role it runs as: {@code
   * --role agent} needs {@code urn:portolan:role:agent}, a hub (or {@code all} in a cluster) {@code
   * urn:portolan:role:hub}. Throws with one line that says what the certificate is and what it
   * needs.
   */
  public static void checkOwnRole(BusTls tls, BusRole self) {
    BusIdentity own = own(tls);
    if (!own.has(self)) {
      throw new PortolanConfig.InvalidConfigException(
          "--bus-tls-cert "
              + tls.cert()
              + " is "
              + own.describe()
              + ": "
              + (self == BusRole.AGENT ? "an " : "a ")
              + self.wireName()
              + " needs a certificate with the SAN URI "
              + self.uri()
              + " (see \"Securing the fleet\" in the README)");
    }
  }

  /**
   * Checks, before an agent starts, that its node name is the name in its certificate (CN): a hub's
   * bridge lets an agent speak only for that name. Throws with one line that says what to give.
   */
  public static void checkAgentName(BusTls tls, String nodeName) {
    BusIdentity own = own(tls);
    if (!nodeName.equals(own.name())) {
      throw new PortolanConfig.InvalidConfigException(
          "--bus-tls-cert "
              + tls.cert()
              + " is "
              + own.describe()
              + " but this node's name is '"
              + nodeName
              + "': a hub lets an agent speak only for the name in its certificate; give"
              + " --node-name "
              + own.name());
    }
  }

  /**
   * The identity in this node's own certificate; one line naming the file when it is unreadable.
   */
  private static BusIdentity own(BusTls tls) {
    try {
      return BusIdentity.read(tls.cert());
    } catch (java.io.IOException | java.security.GeneralSecurityException | ClassCastException e) {
      throw new PortolanConfig.InvalidConfigException(
          "cannot read --bus-tls-cert " + tls.cert() + ": " + e.getMessage());
    }
  }

  /**
   * Makes the started clustered event bus of {@code vertx} accept, both ways, only peers whose
   * certificate is of the bus CA and of a role {@code self} accepts ({@link RoleTrustManager}).
   * Vert.x builds the bus's server and client options from {@link EventBusOptions#toJson()}, which
   * carries PEM trust but no trust manager, so the role check cannot travel in the options: it is
   * set on the bus's own server and client once they exist, through {@code updateSSLOptions},
   * before this node registers a handler or sends anything (so no connection is made before).
   * Fails, and the node with it, when Vert.x's bus is not as expected.
   */
  public static Future<Void> enforceRoles(Vertx vertx, BusTls tls, BusRole self) {
    try {
      TrustOptions trust = TrustOptions.wrap(RoleTrustManager.forCa(tls.ca(), self).asFactory());
      PemKeyCertOptions identity =
          new PemKeyCertOptions()
              .setCertPath(tls.cert().toString())
              .setKeyPath(tls.key().toString());
      Object bus = vertx.eventBus();
      NetServer server = (NetServer) field(bus, "server");
      NetClient client = (NetClient) field(bus, "client");
      return Future.all(
              server.updateSSLOptions(
                  new ServerSSLOptions()
                      .setKeyCertOptions(identity)
                      .setTrustOptions(trust)
                      .setClientAuth(ClientAuth.REQUIRED),
                  true),
              client.updateSSLOptions(
                  new ClientSSLOptions()
                      .setKeyCertOptions(identity)
                      .setTrustOptions(trust)
                      .setTrustAll(false)
                      .setHostnameVerificationAlgorithm(""),
                  true))
          .mapEmpty();
    } catch (Exception e) {
      return Future.failedFuture(
          new IllegalStateException("cannot set the event bus's role check: " + e, e));
    }
  }

  private static Object field(Object bus, String name) throws ReflectiveOperationException {
    Field f = bus.getClass().getDeclaredField(name);
    f.setAccessible(true);
    Object value = f.get(bus);
    if (value == null) {
      throw new IllegalStateException("the clustered event bus has no " + name + " yet");
    }
    return value;
  }
}
