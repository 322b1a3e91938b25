package dev.portolan.scan;

import dev.portolan.scan.banner.UdpPayloads;
import dev.portolan.socket.Protocol;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * A plan's targets, laid out for the lanes (immutable once built, shared by them). Target {@code t}
 * runs port-major (every address for the first port, then the next port), so consecutive probes
 * spread over the addresses; its result sits at {@code address * ports + portIndex}, which with the
 * addresses sorted is address then port order.
 */
final class Targets {
  final InetAddress[] addrs;

  /** The addresses' bytes and IPv6 scope ids (0 for none), for {@link NativeTcp}. */
  final byte[][] raw;

  final int[] scopes;
  final StandardProtocolFamily[] families;
  final boolean[] local;
  final boolean anyLocal;

  /** Whether every address is the node's own (loopback or one of its addresses). */
  final boolean allLocal;

  final int[] ports;
  final int nAddr;
  final int nPorts;
  final int total;
  final boolean tcp;
  final Protocol proto;
  final Preset preset;
  final int[] payloadPorts;
  final ByteBuffer[] payloadBuffers;

  Targets(ScanPlan plan, UdpPayloads payloads) {
    Set<InetAddress> unique = new LinkedHashSet<>(plan.addresses());
    addrs = unique.toArray(new InetAddress[0]);
    Arrays.sort(addrs, Targets::compareAddresses);
    nAddr = addrs.length;
    ports = plan.ports().toArray();
    nPorts = ports.length;
    total = Math.multiplyExact(nAddr, nPorts);
    proto = plan.proto();
    tcp = proto == Protocol.TCP;
    preset = plan.preset();
    families = new StandardProtocolFamily[nAddr];
    local = new boolean[nAddr];
    Set<InetAddress> localAddresses = localAddresses();
    boolean any = false;
    boolean all = nAddr > 0;
    for (int i = 0; i < nAddr; i++) {
      families[i] =
          addrs[i] instanceof Inet4Address
              ? StandardProtocolFamily.INET
              : StandardProtocolFamily.INET6;
      local[i] =
          addrs[i].isLoopbackAddress()
              || addrs[i].isAnyLocalAddress()
              || localAddresses.contains(addrs[i]);
      any |= local[i];
      all &= local[i];
    }
    anyLocal = any;
    allLocal = all;
    raw = new byte[nAddr][];
    scopes = new int[nAddr];
    for (int i = 0; i < nAddr; i++) {
      raw[i] = addrs[i].getAddress();
      scopes[i] = addrs[i] instanceof java.net.Inet6Address v6 ? v6.getScopeId() : 0;
    }
    payloadPorts = tcp ? new int[0] : payloads.ports();
    payloadBuffers = tcp ? new ByteBuffer[0] : payloads.buffers();
  }

  /** IPv4 before IPv6, then by the address's bytes, unsigned. */
  static int compareAddresses(InetAddress a, InetAddress b) {
    byte[] x = a.getAddress();
    byte[] y = b.getAddress();
    if (x.length != y.length) {
      return Integer.compare(x.length, y.length);
    }
    return Arrays.compareUnsigned(x, y);
  }

  private static volatile Set<InetAddress> localCache;
  private static volatile long localCacheAt;

  /**
   * This host's addresses (cached for 10 s). Probes to them are answered inside the send, as on
   * loopback: their traffic runs over the loopback device.
   */
  static Set<InetAddress> localAddresses() {
    long now = System.nanoTime();
    Set<InetAddress> cached = localCache;
    if (cached != null && now - localCacheAt < 10_000_000_000L) {
      return cached;
    }
    Set<InetAddress> set = new HashSet<>();
    try {
      NetworkInterface.networkInterfaces().forEach(ni -> ni.inetAddresses().forEach(set::add));
    } catch (SocketException | RuntimeException e) {
      // no interfaces to read: only loopback counts as local
    }
    localCache = set;
    localCacheAt = now;
    return set;
  }
}
