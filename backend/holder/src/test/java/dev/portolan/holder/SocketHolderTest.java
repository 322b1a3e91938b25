package dev.portolan.holder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link SocketHolder} as its users run it: a real child JVM, real sockets on 127.0.0.1, its stdin
 * as the leash.
 */
class SocketHolderTest {

  /** A holder child and the lines it printed before READY. */
  private record Child(Process process, List<String> lines) implements AutoCloseable {
    static Child start(String... args) throws IOException {
      List<String> command =
          new ArrayList<>(
              List.of(
                  ProcessHandle.current().info().command().orElseThrow(),
                  "-Xmx32m",
                  "-XX:+UseSerialGC",
                  "-cp",
                  System.getProperty("java.class.path"),
                  SocketHolder.class.getName()));
      command.addAll(List.of(args));
      Process p =
          new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
      BufferedReader out =
          new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      List<String> lines = new ArrayList<>();
      for (String line = out.readLine(); !"READY".equals(line); line = out.readLine()) {
        if (line == null) {
          p.destroyForcibly();
          throw new IOException("the holder exited before READY after " + lines);
        }
        lines.add(line);
      }
      return new Child(p, lines);
    }

    TreeSet<Integer> ports(String kind) {
      TreeSet<Integer> ports = new TreeSet<>();
      lines.stream()
          .filter(l -> l.startsWith(kind + " "))
          .forEach(l -> ports.add(Integer.parseInt(l.substring(kind.length() + 1))));
      return ports;
    }

    /** Ends its input, as a parent does when done; the holder must exit by itself. */
    int endInput() throws Exception {
      process.getOutputStream().close();
      assertTrue(process.waitFor(20, TimeUnit.SECONDS), "the holder exits when its input ends");
      return process.exitValue();
    }

    @Override
    public void close() {
      process.destroyForcibly();
    }
  }

  @Test
  void pairsHoldsBusyAndIdleListenersUntilItsInputEnds() throws Exception {
    try (Child child = Child.start("pairs", "10", "2", "3")) {
      assertEquals(2, child.ports("BUSY").size(), child.lines().toString());
      assertEquals(3, child.ports("IDLE").size(), child.lines().toString());
      assertEquals(5, child.lines().size(), "one line per listener: " + child.lines());
      for (int port : child.ports("IDLE")) {
        try (Socket s = new Socket()) {
          s.connect(
              new InetSocketAddress("127.0.0.1", port),
              2000); // listening: the kernel completes the handshake
        }
      }
      int idle = child.ports("IDLE").first();
      assertEquals(0, child.endInput());
      try (Socket s = new Socket()) {
        assertThrows(
            IOException.class,
            () -> s.connect(new InetSocketAddress("127.0.0.1", idle), 2000),
            "its listeners are gone once it exited");
      }
    }
  }

  @Test
  void listenersOnSeededRandomPortsAcceptAndHoldSilentUdpSockets() throws Exception {
    try (Child child =
        Child.start("listeners", "127.0.0.1", "42", "5", "4", "20000", "20999", "128", "accept")) {
      TreeSet<Integer> tcp = child.ports("TCP");
      TreeSet<Integer> udp = child.ports("UDP");
      assertEquals(5, tcp.size(), child.lines().toString());
      assertEquals(4, udp.size(), child.lines().toString());
      assertTrue(
          udp.first() >= 20000 && udp.last() <= 20999, "UDP ports in the range asked: " + udp);
      for (int port : tcp) {
        try (Socket s = new Socket()) {
          s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
          s.setSoTimeout(5000);
          assertEquals(-1, s.getInputStream().read(), "accept: it closes what it accepted");
        }
      }
      for (int port : udp) {
        try (DatagramChannel d = DatagramChannel.open()) {
          assertThrows(
              BindException.class,
              () -> d.bind(new InetSocketAddress("127.0.0.1", port)),
              "UDP " + port + " is held by the holder");
        }
      }
      assertEquals(0, child.endInput());
    }
  }

  @Test
  void inProcessListenersKeepOutOfTheExcludedPorts() throws Exception {
    SocketHolder.Listeners held =
        SocketHolder.listeners(
            InetAddress.getByName("127.0.0.1"),
            new Random(8),
            2,
            3,
            30000,
            30019,
            16,
            java.util.stream.IntStream.range(30000, 30010)
                .boxed()
                .collect(java.util.stream.Collectors.toSet()));
    assertEquals(2, held.tcpPorts().size());
    assertEquals(3, held.udpPorts().size());
    assertTrue(
        held.udpPorts().stream().allMatch(p -> p >= 30010 && p <= 30019),
        "never an excluded port: " + held.udpPorts());
    assertTrue(held.lines().startsWith("TCP "), held.lines());
  }
}
