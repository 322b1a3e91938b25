package dev.portolan.metrics;

import dev.portolan.socket.SocketState;
import java.util.Locale;

/**
 * The {@code state} label of {@code portolan_sockets}: TCP states as node_exporter's {@code
 * node_tcp_connection_states} names them ({@code established}, {@code listen}, {@code time_wait},
 * {@code close_wait}, {@code fin_wait1}...), and an unconnected UDP or unix socket as {@code ss}
 * shows it, {@code unconn} (node_exporter has no UDP states; the kernel's CLOSE is what {@code ss}
 * prints as UNCONN). A connected UDP socket is {@code established}, a unix listener {@code listen}.
 */
public final class StateLabel {
  private StateLabel() {}

  /** The label for {@code state} of a socket of protocol {@code proto} (tcp, udp6, unix...). */
  public static String of(String proto, SocketState state) {
    if (state == SocketState.CLOSE && !proto.startsWith("tcp")) {
      return "unconn";
    }
    return state.name().toLowerCase(Locale.ROOT);
  }
}
