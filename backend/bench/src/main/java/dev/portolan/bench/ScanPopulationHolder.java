package dev.portolan.bench;

import java.io.IOException;
import java.io.InputStream;
import java.lang.ref.Reference;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;

/**
 * Child process of the scan benchmark, run inside the benchmark's network namespace: the truth the scans are
 * checked against. {@code ScanPopulationHolder SEED TCP_LISTENERS UDP_LISTENERS UDP_MAX_PORT} opens
 * {@code TCP_LISTENERS} TCP listeners on distinct random ports of 1-65535 and {@code UDP_LISTENERS} silent UDP
 * sockets (bound, never read, never answer) on distinct random ports of 1-{@code UDP_MAX_PORT}, all on 127.0.0.1;
 * prints {@code TCP port} and {@code UDP port} lines, then {@code READY}, and holds them until its stdin closes.
 * Nobody accepts on the listeners: a connect scan only needs the kernel's handshake, and the accept queue (backlog
 * 4096) holds far more connections than the benchmark makes per port.
 */
public final class ScanPopulationHolder {
  private ScanPopulationHolder() {
  }

  public static void main(String[] args) throws IOException {
    Random random = new Random(Long.parseLong(args[0]));
    int tcpCount = Integer.parseInt(args[1]);
    int udpCount = Integer.parseInt(args[2]);
    int udpMaxPort = Integer.parseInt(args[3]);
    InetAddress loopback = InetAddress.getByName("127.0.0.1");

    List<ServerSocketChannel> tcp = new ArrayList<>();
    TreeSet<Integer> tcpPorts = new TreeSet<>();
    while (tcp.size() < tcpCount) {
      int port = 1 + random.nextInt(65535);
      if (tcpPorts.contains(port)) {
        continue;
      }
      ServerSocketChannel listener = ServerSocketChannel.open();
      try {
        listener.bind(new InetSocketAddress(loopback, port), 4096);
      } catch (BindException e) {
        listener.close(); // taken in this namespace (should not happen in a fresh one): draw another port
        continue;
      }
      tcp.add(listener);
      tcpPorts.add(port);
    }

    List<DatagramChannel> udp = new ArrayList<>();
    TreeSet<Integer> udpPorts = new TreeSet<>();
    while (udp.size() < udpCount) {
      int port = 1 + random.nextInt(udpMaxPort);
      if (udpPorts.contains(port)) {
        continue;
      }
      DatagramChannel silent = DatagramChannel.open();
      try {
        silent.bind(new InetSocketAddress(loopback, port));
      } catch (BindException e) {
        silent.close();
        continue;
      }
      udp.add(silent);
      udpPorts.add(port);
    }

    StringBuilder out = new StringBuilder();
    tcpPorts.forEach(p -> out.append("TCP ").append(p).append('\n'));
    udpPorts.forEach(p -> out.append("UDP ").append(p).append('\n'));
    out.append("READY\n");
    System.out.print(out);
    System.out.flush();
    waitForEndOfInput(System.in);
    Reference.reachabilityFence(tcp); // keep every channel reachable (open) until here
    Reference.reachabilityFence(udp);
    System.exit(0);
  }

  private static void waitForEndOfInput(InputStream in) throws IOException {
    byte[] sink = new byte[256];
    while (in.read(sink) >= 0) {
      // hold the sockets
    }
  }
}
