package dev.portolan.scan;

import dev.portolan.scan.banner.Banner;
import dev.portolan.socket.Protocol;
import java.net.InetAddress;

/**
 * The outcome for one address and port. {@code rttMicros}: time from the (last) probe to its
 * answer, or -1 when none came. {@code reason}: nmap-like, one of {@code syn-ack}, {@code
 * conn-refused}, {@code no-response}, {@code udp-response}, {@code port-unreach}, {@code
 * host-unreach}, {@code net-unreach}, {@code error}. {@code banner}: null unless banners were asked
 * for and the port is open.
 */
public record PortResult(
    InetAddress address,
    int port,
    Protocol proto,
    PortState state,
    long rttMicros,
    String reason,
    Banner banner) {

  public PortResult withBanner(Banner b) {
    return new PortResult(address, port, proto, state, rttMicros, reason, b);
  }
}
