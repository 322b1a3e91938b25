package dev.portolan.bench;

import java.io.IOException;
import java.io.InputStream;
import java.lang.ref.Reference;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * Child process of the benchmark that holds part of a socket population on 127.0.0.1:
 * {@code PopulationHolder PAIRS BUSY_LISTENERS IDLE_LISTENERS}. It opens the listeners, connects {@code PAIRS}
 * clients spread round-robin over the busy listeners and accepts each (two sockets per pair), prints
 * {@code BUSY port} and {@code IDLE port} lines and then {@code READY}, and holds everything until its stdin closes; its connections then end with a reset, leaving no TIME_WAIT behind.
 * Idle listeners never get a connection: they are the "who owns this port?" targets.
 */
public final class PopulationHolder {
  private PopulationHolder() {
  }

  public static void main(String[] args) throws IOException {
    int pairs = Integer.parseInt(args[0]);
    int busyCount = Integer.parseInt(args[1]);
    int idleCount = Integer.parseInt(args[2]);
    InetAddress loopback = InetAddress.getByName("127.0.0.1");
    List<ServerSocketChannel> busy = openListeners(busyCount, loopback);
    List<ServerSocketChannel> idle = openListeners(idleCount, loopback);
    List<SocketChannel> held = new ArrayList<>(pairs * 2);
    for (int i = 0; i < pairs; i++) {
      ServerSocketChannel listener = busy.get(i % busy.size());
      held.add(withoutTimeWait(SocketChannel.open(listener.getLocalAddress())));
      held.add(withoutTimeWait(listener.accept()));
    }
    StringBuilder out = new StringBuilder();
    busy.forEach(l -> out.append("BUSY ").append(port(l)).append('\n'));
    idle.forEach(l -> out.append("IDLE ").append(port(l)).append('\n'));
    out.append("READY\n");
    System.out.print(out);
    System.out.flush();
    waitForEndOfInput(System.in);
    Reference.reachabilityFence(held); // keep every channel reachable (open) until here
    Reference.reachabilityFence(busy);
    Reference.reachabilityFence(idle);
    System.exit(0); // the kernel closes every socket on exit
  }

  private static List<ServerSocketChannel> openListeners(int count, InetAddress address) throws IOException {
    List<ServerSocketChannel> listeners = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      listeners.add(ServerSocketChannel.open().bind(new InetSocketAddress(address, 0), 4096));
    }
    return listeners;
  }

  /** Linger 0: closing (at exit) resets the connection, so no TIME_WAIT sockets outlive the population. */
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

  private static void waitForEndOfInput(InputStream in) throws IOException {
    byte[] sink = new byte[256];
    while (in.read(sink) >= 0) {
      // hold the sockets
    }
  }
}
