package dev.portolan.verticles;

import dev.portolan.access.AllowedHosts;
import dev.portolan.access.HttpAccess;
import dev.portolan.config.PortolanConfig;
import dev.portolan.limit.ConnectionLimits;
import dev.portolan.limit.ConnectionSettings;

/**
 * Where and how a node serves HTTP: the address and port to bind, who may use it ({@link
 * HttpAccess}: users, tokens, TLS, public host names), the connection limits as set, and the
 * counter that keeps them ({@link ConnectionLimits}). {@link WebVerticle} and {@link
 * HealthVerticle} both take one.
 */
public record HttpEndpoint(
    String bind,
    int port,
    HttpAccess access,
    ConnectionSettings connectionSettings,
    ConnectionLimits connections) {

  /** The node's HTTP settings from {@code config}, counted by {@code connections}. */
  public static HttpEndpoint of(PortolanConfig config, ConnectionLimits connections) {
    return new HttpEndpoint(
        config.bind(), config.httpPort(), config.http(), config.connections(), connections);
  }

  /**
   * The {@code Host}s a request may name: the bind address, loopback, the node's addresses and the
   * public hosts.
   */
  public AllowedHosts allowedHosts() {
    return AllowedHosts.of(bind, access.publicHosts());
  }
}
