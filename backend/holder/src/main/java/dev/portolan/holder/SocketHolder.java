package dev.portolan.holder;

import java.io.IOException;
import java.io.InputStream;
import java.lang.ref.Reference;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * A child process that holds sockets for someone else to look at or scan: the bench's populations,
 * the scan bench's truth and the scan tests' targets. It prints one line per port, then {@code
 * READY}, and holds everything until its standard input ends; then it exits and the kernel closes
 * every socket. Modes:
 *
 * <ul>
 *   <li>{@code pairs PAIRS BUSY_LISTENERS IDLE_LISTENERS}: on 127.0.0.1, opens the listeners,
 *       connects {@code PAIRS} clients spread round-robin over the busy listeners and accepts each
 *       (two sockets per pair, linger 0: they end with a reset, leaving no TIME_WAIT behind);
 *       prints {@code BUSY port} and {@code IDLE port} lines. Idle listeners never get a
 *       connection: they are the "who owns this port?" targets.
 *   <li>{@code listeners ADDRESS SEED TCP_COUNT UDP_COUNT UDP_LO UDP_HI BACKLOG hold|accept}: TCP
 *       listeners on distinct random ports of 1-65535 and silent UDP sockets (bound, never read,
 *       never answering) on distinct random ports of UDP_LO-UDP_HI, all on ADDRESS, drawn from
 *       {@code new Random(SEED)}; prints {@code TCP port} and {@code UDP port} lines in port order.
 *       {@code hold}: nobody accepts (a connect scan needs only the kernel's handshake, and the
 *       backlog holds the rest); {@code accept}: a thread accepts and closes what comes.
 * </ul>
 *
 * Plain Java with no dependencies, so that the tests and the bench launch the same class.
 */
public final class SocketHolder {
  private SocketHolder() {}

  public static void main(String[] args) throws IOException {
    String lines;
    Object held;
    switch (args[0]) {
      case "pairs" -> {
        Pairs pairs =
            pairs(Integer.parseInt(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]));
        lines = pairs.lines();
        held = pairs;
      }
      case "listeners" -> {
        Listeners listeners =
            listeners(
                InetAddress.getByName(args[1]),
                new Random(Long.parseLong(args[2])),
                Integer.parseInt(args[3]),
                Integer.parseInt(args[4]),
                Integer.parseInt(args[5]),
                Integer.parseInt(args[6]),
                Integer.parseInt(args[7]),
                Set.of());
        if (args[8].equals("accept")) {
          listeners.acceptAndClose();
        } else if (!args[8].equals("hold")) {
          throw new IllegalArgumentException("hold or accept, not " + args[8]);
        }
        lines = listeners.lines();
        held = listeners;
      }
      default -> throw new IllegalArgumentException("pairs or listeners, not " + args[0]);
    }
    System.out.print(lines + "READY\n");
    System.out.flush();
    holdUntilEndOfInput(System.in);
    Reference.reachabilityFence(held); // keep every channel reachable (open) until here
    System.exit(0); // the kernel closes every socket on exit
  }

  /** Listeners on 127.0.0.1 with connected pairs on the busy ones; see the class comment. */
  public record Pairs(
      List<ServerSocketChannel> busy, List<ServerSocketChannel> idle, List<SocketChannel> held) {
    /** {@code BUSY port} lines, then {@code IDLE port} lines. */
    public String lines() {
      StringBuilder out = new StringBuilder();
      busy.forEach(l -> out.append("BUSY ").append(port(l)).append('\n'));
      idle.forEach(l -> out.append("IDLE ").append(port(l)).append('\n'));
      return out.toString();
    }
  }

  /**
   * Opens {@code busyCount} and {@code idleCount} listeners and {@code pairs} connections to the
   * busy ones.
   */
  public static Pairs pairs(int pairs, int busyCount, int idleCount) throws IOException {
    InetAddress loopback = InetAddress.getByName("127.0.0.1");
    List<ServerSocketChannel> busy = openListeners(busyCount, loopback);
    List<ServerSocketChannel> idle = openListeners(idleCount, loopback);
    List<SocketChannel> held = new ArrayList<>(pairs * 2);
    for (int i = 0; i < pairs; i++) {
      ServerSocketChannel listener = busy.get(i % busy.size());
      held.add(withoutTimeWait(SocketChannel.open(listener.getLocalAddress())));
      held.add(withoutTimeWait(listener.accept()));
    }
    return new Pairs(busy, idle, held);
  }

  /** TCP listeners and silent UDP sockets on random ports; see the class comment. */
  public static final class Listeners {
    private final List<ServerSocketChannel> tcp;
    private final List<DatagramChannel> udp;
    private final TreeSet<Integer> tcpPorts;
    private final TreeSet<Integer> udpPorts;

    private Listeners(
        List<ServerSocketChannel> tcp,
        List<DatagramChannel> udp,
        TreeSet<Integer> tcpPorts,
        TreeSet<Integer> udpPorts) {
      this.tcp = tcp;
      this.udp = udp;
      this.tcpPorts = tcpPorts;
      this.udpPorts = udpPorts;
    }

    public Set<Integer> tcpPorts() {
      return tcpPorts;
    }

    public Set<Integer> udpPorts() {
      return udpPorts;
    }

    /** {@code TCP port} lines, then {@code UDP port} lines, each in port order. */
    public String lines() {
      StringBuilder out = new StringBuilder();
      tcpPorts.forEach(p -> out.append("TCP ").append(p).append('\n'));
      udpPorts.forEach(p -> out.append("UDP ").append(p).append('\n'));
      return out.toString();
    }

    /**
     * From now on a daemon thread accepts every connection to the TCP listeners and closes it at
     * once.
     */
    public void acceptAndClose() throws IOException {
      Selector selector = Selector.open();
      for (ServerSocketChannel s : tcp) {
        s.configureBlocking(false);
        s.register(selector, SelectionKey.OP_ACCEPT);
      }
      Thread.ofPlatform()
          .daemon(true)
          .name("socket-holder-accept")
          .start(
              () -> {
                try {
                  while (true) {
                    selector.select(
                        key -> {
                          try {
                            SocketChannel c = ((ServerSocketChannel) key.channel()).accept();
                            if (c != null) {
                              c.close();
                            }
                          } catch (IOException e) {
                            // the other side reset it first: fine
                          }
                        });
                  }
                } catch (IOException e) {
                  throw new IllegalStateException(e);
                }
              });
      Reference.reachabilityFence(udp);
    }
  }

  /**
   * {@code tcpCount} TCP listeners (accept queue {@code backlog}) on distinct random ports of
   * 1-65535 and {@code udpCount} silent UDP sockets on distinct random ports of {@code
   * udpLo}-{@code udpHi} but {@code udpExcluded}, all on {@code address}; a port that turns out
   * taken is drawn again.
   */
  public static Listeners listeners(
      InetAddress address,
      Random random,
      int tcpCount,
      int udpCount,
      int udpLo,
      int udpHi,
      int backlog,
      Set<Integer> udpExcluded)
      throws IOException {
    List<ServerSocketChannel> tcp = new ArrayList<>();
    TreeSet<Integer> tcpPorts = new TreeSet<>();
    while (tcp.size() < tcpCount) {
      int port = 1 + random.nextInt(65535);
      if (tcpPorts.contains(port)) {
        continue;
      }
      ServerSocketChannel listener = ServerSocketChannel.open();
      try {
        listener.bind(new InetSocketAddress(address, port), backlog);
      } catch (IOException taken) {
        listener.close(); // taken in this namespace: draw another port
        continue;
      }
      tcp.add(listener);
      tcpPorts.add(port);
    }
    List<DatagramChannel> udp = new ArrayList<>();
    TreeSet<Integer> udpPorts = new TreeSet<>();
    while (udp.size() < udpCount) {
      int port = udpLo + random.nextInt(udpHi - udpLo + 1);
      if (udpPorts.contains(port) || udpExcluded.contains(port)) {
        continue;
      }
      DatagramChannel silent = DatagramChannel.open();
      try {
        silent.bind(new InetSocketAddress(address, port));
      } catch (IOException taken) {
        silent.close();
        continue;
      }
      udp.add(silent);
      udpPorts.add(port);
    }
    return new Listeners(tcp, udp, tcpPorts, udpPorts);
  }

  /** Reads {@code in} to its end: the parent closes it (or exits) when the sockets may go. */
  public static void holdUntilEndOfInput(InputStream in) throws IOException {
    byte[] sink = new byte[256];
    while (in.read(sink) >= 0) {
      // hold the sockets
    }
  }

  private static List<ServerSocketChannel> openListeners(int count, InetAddress address)
      throws IOException {
    List<ServerSocketChannel> listeners = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      listeners.add(ServerSocketChannel.open().bind(new InetSocketAddress(address, 0), 4096));
    }
    return listeners;
  }

  /**
   * Linger 0: closing (at exit) resets the connection, so no TIME_WAIT sockets outlive the
   * population.
   */
  private static SocketChannel withoutTimeWait(SocketChannel channel) throws IOException {
    return channel.setOption(StandardSocketOptions.SO_LINGER, 0);
  }

  private static int port(ServerSocketChannel listener) {
    try {
      return ((InetSocketAddress) listener.getLocalAddress()).getPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
