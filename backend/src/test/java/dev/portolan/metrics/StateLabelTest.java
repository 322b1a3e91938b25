package dev.portolan.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portolan.socket.SocketState;
import org.junit.jupiter.api.Test;

/** The state label: node_exporter's TCP state names, and {@code ss}'s UNCONN for UDP and unix. */
class StateLabelTest {
  @Test
  void tcpStatesAsNodeExporterNamesThem() {
    assertEquals("established", StateLabel.of("tcp", SocketState.ESTABLISHED));
    assertEquals("listen", StateLabel.of("tcp6", SocketState.LISTEN));
    assertEquals("time_wait", StateLabel.of("tcp", SocketState.TIME_WAIT));
    assertEquals("close_wait", StateLabel.of("tcp", SocketState.CLOSE_WAIT));
    assertEquals("fin_wait1", StateLabel.of("tcp", SocketState.FIN_WAIT1));
    assertEquals("syn_recv", StateLabel.of("tcp", SocketState.SYN_RECV));
    assertEquals("close", StateLabel.of("tcp", SocketState.CLOSE));
  }

  @Test
  void unconnectedUdpAndUnixAsSsShowsThem() {
    assertEquals("unconn", StateLabel.of("udp", SocketState.CLOSE));
    assertEquals("unconn", StateLabel.of("udp6", SocketState.CLOSE));
    assertEquals("unconn", StateLabel.of("unix", SocketState.CLOSE));
    assertEquals("established", StateLabel.of("udp", SocketState.ESTABLISHED));
    assertEquals("listen", StateLabel.of("unix", SocketState.LISTEN));
  }
}
