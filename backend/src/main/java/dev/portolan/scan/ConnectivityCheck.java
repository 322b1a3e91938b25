package dev.portolan.scan;

import java.io.IOException;
import java.net.ConnectException;
import java.net.DatagramSocket;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Locale;

/**
 * One TCP connection attempt, like {@code nc -z} or telnet: does {@code address:port} accept a
 * connection from this node, and if not, why, in words. Authorize the address first ({@link
 * ScanPolicy#authorizeCheck}).
 *
 * <p>How the kernel's answers map (Linux errno in brackets):
 *
 * <ul>
 *   <li>{@link Status#CONNECTED}: the handshake completed (the connection is closed right away,
 *       nothing is sent).
 *   <li>{@link Status#REFUSED} [ECONNREFUSED]: a TCP reset: the host is up, nothing listens (or a
 *       firewall rejects with a reset).
 *   <li>{@link Status#TIMEOUT}: no answer within the timeout [or ETIMEDOUT]: packets dropped by a
 *       firewall, the host down, or on this node a listener whose accept queue is full.
 *   <li>{@link Status#NO_ROUTE} [ENETUNREACH "Network is unreachable"]: this node's routing table
 *       has no route to the address.
 *   <li>{@link Status#HOST_UNREACHABLE} [EHOSTUNREACH "No route to host", EHOSTDOWN]: a route
 *       exists, but the host did not answer address resolution (ARP/neighbour discovery), a router
 *       or firewall answered host-unreachable, or an {@code unreachable} route on this node.
 *   <li>{@link Status#ERROR}: anything else, e.g. EACCES/EPERM (a {@code prohibit} route or a local
 *       firewall rule), EINVAL (a {@code blackhole} route, a broadcast address).
 * </ul>
 *
 * Blocking, meant for virtual threads; it never throws for network outcomes.
 */
public final class ConnectivityCheck {
  public enum Status {
    CONNECTED,
    REFUSED,
    TIMEOUT,
    NO_ROUTE,
    HOST_UNREACHABLE,
    ERROR
  }

  /**
   * The outcome of one check. {@code elapsedMicros}: from the start of the attempt to its answer
   * (or to the timeout). {@code local}: the address and port this node connected from; when the
   * connection failed, the source address the route would use with port 0 (the source port is not
   * known then), or null when there is no route. {@code reason}: what happened and what it means,
   * in words.
   */
  public record Result(
      InetAddress address,
      int port,
      Status status,
      long elapsedMicros,
      InetSocketAddress local,
      String reason) {
    public boolean connected() {
      return status == Status.CONNECTED;
    }
  }

  private ConnectivityCheck() {}

  public static ConnectivityCheck create() {
    return new ConnectivityCheck();
  }

  /**
   * Connects to {@code address:port} and closes the connection right away.
   *
   * @throws IllegalArgumentException for a port outside 1-65535 or a timeout that is not positive
   */
  public Result check(InetAddress address, int port, Duration timeout) {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("the timeout must be positive: " + timeout);
    }
    int timeoutMillis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
    String where = endpoint(address, port);
    long start = System.nanoTime();
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(address, port), timeoutMillis);
      long micros = micros(start);
      InetSocketAddress local = s.getLocalSocketAddress() instanceof InetSocketAddress l ? l : null;
      return new Result(
          address,
          port,
          Status.CONNECTED,
          micros,
          local,
          "connected to "
              + where
              + " in "
              + millis(micros)
              + (local == null ? "" : " from " + endpoint(local.getAddress(), local.getPort()))
              + ": something listens there and accepted the connection");
    } catch (IOException e) {
      long micros = micros(start);
      if (Thread.currentThread().isInterrupted()) {
        return new Result(
            address, port, Status.ERROR, micros, null, "interrupted before " + where + " answered");
      }
      return failure(address, port, where, e, micros, timeout);
    }
  }

  private static Result failure(
      InetAddress address, int port, String where, IOException e, long micros, Duration timeout) {
    String message = e.getMessage() == null ? "" : e.getMessage();
    String m = message.toLowerCase(Locale.ROOT);
    String host = IpLiterals.text(address);
    InetSocketAddress local = sourceFor(address, port);
    if (e instanceof SocketTimeoutException || m.contains("timed out")) {
      String why =
          isLocal(address)
              ? "on this node that means a firewall rule drops the packets, or the listener's accept queue is full"
                  + " (it does not accept connections as fast as they come)"
              : "a firewall drops the packets, or the host is down";
      return new Result(
          address,
          port,
          Status.TIMEOUT,
          micros,
          local,
          "timed out after " + seconds(timeout) + ": no answer from " + where + "; " + why);
    }
    if (e instanceof ConnectException && m.contains("refused")) {
      return new Result(
          address,
          port,
          Status.REFUSED,
          micros,
          local,
          "connection refused: the host answered but"
              + " nothing listens on "
              + where
              + " (or a firewall rejects the connection with a reset)");
    }
    if (e instanceof NoRouteToHostException
        || m.contains("no route to host")
        || m.contains("host is down")) {
      return new Result(
          address,
          port,
          Status.HOST_UNREACHABLE,
          micros,
          local,
          "no route to host: "
              + host
              + " is unreachable: it does not answer on its network (down, or no such address: no ARP or neighbour"
              + " reply), a router or firewall answered host-unreachable, or a route on this node marks it"
              + " unreachable");
    }
    if (m.contains("network is unreachable")) {
      return new Result(
          address,
          port,
          Status.NO_ROUTE,
          micros,
          local,
          "network unreachable: this node has no"
              + " route to "
              + host
              + " (see 'ip route get "
              + host
              + "')");
    }
    if (m.contains("permission denied") || m.contains("operation not permitted")) {
      return new Result(
          address,
          port,
          Status.ERROR,
          micros,
          local,
          "not permitted: a rule on this node forbids"
              + " connecting to "
              + where
              + " (a firewall rule on outgoing packets, or a 'prohibit' route)");
    }
    if (m.contains("invalid argument")) {
      return new Result(
          address,
          port,
          Status.ERROR,
          micros,
          local,
          "invalid argument: the kernel will not"
              + " connect to "
              + where
              + " (a 'blackhole' route, or an address that cannot be a destination, such as"
              + " a broadcast or multicast address)");
    }
    if (m.contains("reset")) {
      return new Result(
          address,
          port,
          Status.ERROR,
          micros,
          local,
          "connection reset while connecting to " + where + ": something in the path closed it");
    }
    return new Result(
        address,
        port,
        Status.ERROR,
        micros,
        local,
        "could not connect to "
            + where
            + ": "
            + (message.isEmpty() ? e.getClass().getSimpleName() : message));
  }

  /**
   * The source address the kernel would use towards {@code address} (UDP connect sends nothing),
   * port 0.
   */
  private static InetSocketAddress sourceFor(InetAddress address, int port) {
    try (DatagramSocket probe = new DatagramSocket()) {
      probe.connect(address, port);
      InetAddress local = probe.getLocalAddress();
      return local == null || local.isAnyLocalAddress() ? null : new InetSocketAddress(local, 0);
    } catch (SocketException | RuntimeException e) {
      return null;
    }
  }

  private static boolean isLocal(InetAddress address) {
    if (address.isLoopbackAddress() || address.isAnyLocalAddress()) {
      return true;
    }
    try {
      return NetworkInterface.getByInetAddress(address) != null;
    } catch (SocketException e) {
      return false;
    }
  }

  static String endpoint(InetAddress address, int port) {
    return address instanceof Inet6Address
        ? "[" + IpLiterals.text(address) + "]:" + port
        : IpLiterals.text(address) + ":" + port;
  }

  private static long micros(long startNanos) {
    return (System.nanoTime() - startNanos) / 1000;
  }

  private static String millis(long micros) {
    return micros < 10_000
        ? String.format(Locale.ROOT, "%.1f ms", micros / 1000.0)
        : (micros / 1000) + " ms";
  }

  /** "3 s", "1.5 s", "500 ms". */
  static String seconds(Duration d) {
    long ms = d.toMillis();
    if (ms < 1000) {
      return ms + " ms";
    }
    return ms % 1000 == 0 ? (ms / 1000) + " s" : String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
  }
}
