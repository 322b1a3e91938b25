package dev.portolan.scan;

import dev.portolan.socket.Protocol;
import java.net.InetAddress;
import java.util.List;

/**
 * A scan, ready to run: resolved addresses (never host names: the policy checked exactly these),
 * ports, TCP or UDP, a timing preset, whether to grab banners of open TCP ports, a probe-rate cap
 * in probes per second (0 = none beyond the preset's) and a cap on sockets open at once (the engine
 * also keeps within the process's free file descriptors).
 */
public record ScanPlan(
    List<InetAddress> addresses,
    PortList ports,
    Protocol proto,
    Preset preset,
    boolean banners,
    int maxRate,
    int maxOpenSockets) {

  public ScanPlan {
    addresses = List.copyOf(addresses);
    if (proto != Protocol.TCP && proto != Protocol.UDP) {
      throw new IllegalArgumentException("scans are tcp or udp, not " + proto);
    }
  }

  /** Number of probes (address x port pairs) the scan answers for. */
  public long total() {
    return (long) addresses.size() * ports.size();
  }
}
