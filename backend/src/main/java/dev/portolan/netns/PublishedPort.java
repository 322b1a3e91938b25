package dev.portolan.netns;

import dev.portolan.socket.Protocol;

/**
 * A port Docker publishes through a {@code docker-proxy} process: the host listener {@code
 * hostIp:hostPort} forwards to {@code containerIp:containerPort}. {@code containerId} and {@code
 * containerName} are null when Docker's files do not say whose address that is.
 */
public record PublishedPort(
    int proxyPid,
    Protocol protocol,
    String hostIp,
    int hostPort,
    String containerIp,
    int containerPort,
    String containerId,
    String containerName) {

  /** This port with the container that has {@code containerIp}. */
  PublishedPort withContainer(String id, String name) {
    return new PublishedPort(
        proxyPid, protocol, hostIp, hostPort, containerIp, containerPort, id, name);
  }

  /** Whether a listener of {@code protocol} on {@code address:port} is this port's host side. */
  public boolean isHostSideOf(Protocol protocol, String address, int port) {
    return this.protocol == protocol && hostPort == port && hostIp.equals(address);
  }

  /**
   * For people: {@code host 0.0.0.0:8080 → container web:80}, the container's address when its name
   * is unknown ({@code container 172.17.0.2:80}), IPv6 addresses in brackets, UDP ports marked
   * ({@code host 0.0.0.0:53/udp → container dns:53/udp}).
   */
  public String text() {
    String suffix = protocol == Protocol.TCP ? "" : "/" + protocol.wireName();
    String container = containerName != null ? containerName : bracketed(containerIp);
    return "host "
        + bracketed(hostIp)
        + ":"
        + hostPort
        + suffix
        + " → container "
        + container
        + ":"
        + containerPort
        + suffix;
  }

  private static String bracketed(String ip) {
    return ip.indexOf(':') >= 0 ? "[" + ip + "]" : ip;
  }
}
