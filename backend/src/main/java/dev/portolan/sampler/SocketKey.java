package dev.portolan.sampler;

/** See {@link SocketEntry#key()}. */
public record SocketKey(Protocol proto, String localAddress, int localPort, String remoteAddress, int remotePort,
    long inode) {
}
