package dev.portolan.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.socket.Protocol;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.StandardProtocolFamily;
import java.net.UnknownHostException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Sockets, plans and a recording listener for the scan tests. Only ports the test opened or
 * reserved get probed.
 */
final class ScanFixtures {
  static final InetAddress V4 = address("127.0.0.1");
  static final InetAddress V6 = address("::1");

  private ScanFixtures() {}

  static InetAddress address(String text) {
    try {
      return InetAddress.getByName(text);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  static ScanPlan plan(
      List<InetAddress> addresses, List<Integer> ports, Protocol proto, Preset preset) {
    return new ScanPlan(
        addresses,
        PortList.of(ports.stream().mapToInt(Integer::intValue).toArray()),
        proto,
        preset,
        false,
        0,
        0);
  }

  static ScanOutcome await(ScanRun run, int seconds) throws Exception {
    return run.outcome().get(seconds, TimeUnit.SECONDS);
  }

  /**
   * A TCP port that was free on {@code address} a moment ago and is closed now (bound, then
   * released).
   */
  static int reservedClosedTcp(InetAddress address) throws IOException {
    try (ServerSocketChannel s = ServerSocketChannel.open()) {
      s.bind(new InetSocketAddress(address, 0));
      return ((InetSocketAddress) s.getLocalAddress()).getPort();
    }
  }

  /** A UDP port that was free on {@code address} a moment ago and is closed now. */
  static int reservedClosedUdp(InetAddress address) throws IOException {
    try (DatagramChannel s = DatagramChannel.open()) {
      s.bind(new InetSocketAddress(address, 0));
      return ((InetSocketAddress) s.getLocalAddress()).getPort();
    }
  }

  static ServerSocketChannel listen(InetAddress address) throws IOException {
    ServerSocketChannel s = ServerSocketChannel.open();
    s.bind(new InetSocketAddress(address, 0), 50);
    return s;
  }

  static int port(ServerSocketChannel s) throws IOException {
    return ((InetSocketAddress) s.getLocalAddress()).getPort();
  }

  static int port(DatagramChannel s) throws IOException {
    return ((InetSocketAddress) s.getLocalAddress()).getPort();
  }

  /**
   * This process's sockets, epoll instances and eventfds: what a scan opens (its probes, its
   * selectors), without the files the JVM opens on its own (class path jars, the first time a
   * service is looked up).
   */
  static long openSocketsAndSelectors() {
    long n = 0;
    try (var fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
      for (Path fd : fds) {
        try {
          String target = Files.readSymbolicLink(fd).toString();
          if (target.startsWith("socket:") || target.startsWith("anon_inode:")) {
            n++;
          }
        } catch (IOException gone) {
          // closed meanwhile (the directory stream's own descriptor, say)
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return n;
  }

  static boolean isRoot() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("Uid:")) {
          return line.split("\\s+")[1].equals("0");
        }
      }
    } catch (IOException e) {
      return false;
    }
    return false;
  }

  static String which(String program) {
    for (String dir :
        System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin").split(":")) {
      Path p = Path.of(dir, program);
      if (Files.isExecutable(p)) {
        return p.toString();
      }
    }
    for (String dir : List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin")) {
      Path p = Path.of(dir, program);
      if (Files.isExecutable(p)) {
        return p.toString();
      }
    }
    return null;
  }

  /**
   * A TCP listener whose accept queue is full, so the kernel drops further SYNs: a probe of it gets
   * no answer at all, which is how a filtered port looks. Backlog 1, never accepting: connect until
   * one connection stays pending.
   */
  static final class FullListener implements AutoCloseable {
    final ServerSocketChannel server;
    final List<SocketChannel> clients = new ArrayList<>();

    FullListener(InetAddress address) throws IOException {
      server = ServerSocketChannel.open();
      server.bind(new InetSocketAddress(address, 0), 1);
      InetSocketAddress target = new InetSocketAddress(address, ScanFixtures.port(server));
      try (Selector selector = Selector.open()) {
        for (int i = 0; i < 16; i++) {
          SocketChannel c =
              SocketChannel.open(
                  address.getAddress().length == 4
                      ? StandardProtocolFamily.INET
                      : StandardProtocolFamily.INET6);
          c.configureBlocking(false);
          clients.add(c);
          if (c.connect(target)) {
            continue;
          }
          SelectionKey key = c.register(selector, SelectionKey.OP_CONNECT);
          // a connection the queue takes completes within microseconds on loopback; one it drops
          // stays pending
          int ready = selector.select(300);
          key.cancel();
          selector.selectNow();
          if (ready == 0) {
            return;
          }
          c.finishConnect();
        }
      }
      throw new IllegalStateException("the accept queue never filled up");
    }

    int port() throws IOException {
      return ScanFixtures.port(server);
    }

    @Override
    public void close() throws IOException {
      for (SocketChannel c : clients) {
        c.close();
      }
      server.close();
    }
  }

  /** Records what the engine reports, from whichever thread. */
  static class Recorder implements ScanListener {
    final Map<String, Integer> calls = new ConcurrentHashMap<>();
    final List<PortResult> results = new CopyOnWriteArrayList<>();
    final List<long[]> progress = new CopyOnWriteArrayList<>();
    final Set<String> threads = ConcurrentHashMap.newKeySet();

    @Override
    public void onResult(PortResult r) {
      calls.merge(key(r.address(), r.port()), 1, Integer::sum);
      results.add(r);
      threads.add(Thread.currentThread().getName());
    }

    @Override
    public void onProgress(long done, long total) {
      progress.add(new long[] {done, total, System.nanoTime()});
      threads.add(Thread.currentThread().getName());
    }

    PortResult get(InetAddress address, int port) {
      for (PortResult r : results) {
        if (r.address().equals(address) && r.port() == port) {
          return r;
        }
      }
      throw new AssertionError("no result for " + key(address, port));
    }

    /**
     * Every result reported exactly once, progress every 100 ms at most and once at the end with
     * the total.
     */
    void assertOncePerPortAndProgress(ScanOutcome o, long total) {
      assertEquals(o.results().size(), results.size(), "onResult calls vs results in the outcome");
      for (Map.Entry<String, Integer> e : calls.entrySet()) {
        assertEquals(1, e.getValue(), "onResult calls for " + e.getKey());
      }
      assertTrue(!progress.isEmpty(), "no progress reported");
      long[] last = progress.get(progress.size() - 1);
      assertEquals(o.results().size(), last[0], "last progress: done");
      assertEquals(total, last[1], "last progress: total");
      for (int i = 1; i < progress.size() - 1; i++) {
        long gap = progress.get(i)[2] - progress.get(i - 1)[2];
        assertTrue(
            gap >= 95_000_000L, "progress reported " + gap / 1000 + " us after the previous one");
      }
      for (String t : threads) {
        assertTrue(
            t.startsWith("portolan-scan-") && !t.contains("-lane-"),
            "listener called on thread " + t);
      }
    }

    static String key(InetAddress address, int port) {
      return address.getHostAddress() + "/" + port;
    }
  }

  /** The outcome's results are in address then port order. */
  static void assertSorted(List<PortResult> results) {
    List<PortResult> sorted = new ArrayList<>(results);
    sorted.sort(
        (a, b) -> {
          int c = Targets.compareAddresses(a.address(), b.address());
          return c != 0 ? c : Integer.compare(a.port(), b.port());
        });
    assertEquals(sorted, results, "results out of order");
    assertEquals(
        results.size(),
        Set.copyOf(results.stream().map(r -> Recorder.key(r.address(), r.port())).toList()).size(),
        "a port twice in the results");
  }

  static List<Integer> list(int... ports) {
    List<Integer> out = new ArrayList<>();
    for (int p : ports) {
      out.add(p);
    }
    return Collections.unmodifiableList(out);
  }

  /**
   * Ports free for TCP on both 127.0.0.1 and ::1 right now (so a plan may probe them on either).
   */
  static int reservedClosedTcpBoth() throws IOException {
    for (int attempt = 0; attempt < 50; attempt++) {
      int p = reservedClosedTcp(V4);
      try (ServerSocket s = new ServerSocket()) {
        s.bind(new InetSocketAddress(V6, p));
        return p;
      } catch (IOException taken) {
        // in use on ::1: another one
      }
    }
    throw new IllegalStateException("no port free on both loopbacks");
  }
}
