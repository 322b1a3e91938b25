package dev.portolan.netns;

import dev.portolan.socket.Protocol;

/**
 * Where a host listener held by {@code docker-proxy} forwards to: the container's address and port
 * ({@code address:port}), the container when Docker's files say whose address that is ({@code
 * containerId}, {@code containerName}; null when not), and the network namespace that listens there
 * ({@code netns}: its inode; 0 when no namespace read has that listener).
 */
public record ContainerForward(
    String containerId, String containerName, String address, int port, long netns) {

  /** The container side of {@code published}, listened on in namespace {@code netns}. */
  public static ContainerForward of(PublishedPort published, long netns) {
    return new ContainerForward(
        published.containerId(),
        published.containerName(),
        published.containerIp(),
        published.containerPort(),
        netns);
  }

  /**
   * For people, from the host listener's side: {@code host 0.0.0.0:8080 → container web:80} (see
   * {@link PublishedPort#text()}).
   */
  public String text(Protocol protocol, String hostAddress, int hostPort) {
    return new PublishedPort(
            0, protocol, hostAddress, hostPort, address, port, containerId, containerName)
        .text();
  }
}
