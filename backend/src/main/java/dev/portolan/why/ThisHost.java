package dev.portolan.why;

import dev.portolan.scan.ConnectivityCheck;
import dev.portolan.socket.Protocol;
import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.time.Duration;

/**
 * The troubleshooting questions answered for this host by this process, with no node: {@code bind}
 * and {@code port} from the port's sockets read now (this process's network namespace), {@code
 * connect} from an attempt made by this process, judged with this host's own table when the target
 * is one of its addresses (loopback included). What the client does when no node answers.
 */
public final class ThisHost {
  private final String node;
  private final PortSockets sockets;

  /** Answers as {@code node}, reading sockets through {@code sockets}. */
  public ThisHost(String node, PortSockets sockets) {
    this.node = node;
    this.sockets = sockets;
  }

  /** Why a bind of {@code proto}/{@code port} to {@code address} (null: any) fails here. */
  public WhyAnswer bind(Protocol proto, int port, String address) throws IOException {
    return BindDiagnosis.answer(
        node, proto, port, address, sockets.onPort(proto, port), PortSettings.read());
  }

  /** Everything this host knows about {@code proto}/{@code port} ({@code service}: its name). */
  public WhyAnswer port(Protocol proto, int port, String service) throws IOException {
    return PortDiagnosis.answer(
        node, proto, port, service, sockets.onPort(proto, port), PortSettings.read());
  }

  /**
   * Why a TCP connection from this process to {@code host}:{@code port} fails: a real attempt
   * waiting up to {@code timeout}, explained.
   *
   * @throws UnknownHostException when {@code host} does not resolve
   */
  public WhyAnswer connect(String host, int port, Duration timeout) throws IOException {
    InetAddress address = InetAddress.getByName(host);
    ConnectivityCheck.Result result = ConnectivityCheck.create().check(address, port, timeout);
    ConnectAttempt attempt = ConnectAttempt.of(host, result);
    TargetTable target =
        result.connected() || !isOwn(address)
            ? null
            : new TargetTable(node, sockets.onPort(Protocol.TCP, port));
    return ConnectDiagnosis.answer(node, attempt, target);
  }

  /** Whether {@code address} is this host's: loopback, or an address of one of its interfaces. */
  private static boolean isOwn(InetAddress address) {
    if (address.isLoopbackAddress() || address.isAnyLocalAddress()) {
      return true;
    }
    try {
      return NetworkInterface.getByInetAddress(address) != null;
    } catch (SocketException e) {
      return false;
    }
  }
}
