package dev.portolan.netns;

import dev.portolan.socket.Protocol;
import dev.portolan.socket.SocketEntry;
import dev.portolan.socket.SocketReaders;
import dev.portolan.socket.SocketState;
import dev.portolan.socket.netlink.NetlinkSocketReader;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Measures what reading another network namespace costs (for docs/measurements.md), not a test:
 * {@code java -cp ... dev.portolan.netns.DumpCost PAIRS NAMESPACES ROUNDS}. Needs root and {@code
 * ip}. Holds PAIRS connected TCP pairs on 127.0.0.1 in this (the host's) namespace, makes
 * NAMESPACES empty {@code ip netns} namespaces, then times single dumps in one of them and whole
 * {@link NamespacesReader#sample()} calls over all of them: wall time and this thread's CPU time
 * (user and system), median and 90th percentile.
 */
public final class DumpCost {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private DumpCost() {}

  public static void main(String[] args) throws Exception {
    int pairs = Integer.parseInt(args[0]);
    int namespaces = Integer.parseInt(args[1]);
    int rounds = Integer.parseInt(args[2]);
    String prefix = "pdc" + ProcessHandle.current().pid() + "-";
    List<AutoCloseable> held = holdPairs(pairs);
    List<String> names = new ArrayList<>();
    try {
      for (int i = 0; i < namespaces; i++) {
        run("ip", "netns", "add", prefix + i);
        names.add(prefix + i);
      }
      DiscoveredNamespaces found = NamespaceDiscovery.create().discover();
      NetNamespace empty =
          found.namespaces().stream()
              .filter(n -> (prefix + 0).equals(n.name()))
              .findFirst()
              .orElseThrow();
      System.out.printf(
          "host: %d TCP pairs held; namespaces found: %d; discovery %.3f ms%n",
          pairs, found.namespaces().size(), found.nanos() / 1e6);
      Process sleeper =
          new ProcessBuilder("ip", "netns", "exec", prefix + 0, "sleep", "600")
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .start();
      held.add(sleeper::destroy);
      long emptyInode = empty.inode();
      NetNamespace withPid =
          waitFor(
              () -> {
                try {
                  return NamespaceDiscovery.create().discover().get(emptyInode);
                } catch (IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              },
              sleeper.pid());
      try (NamespaceSocketReader proc =
          NamespaceSocketReader.open(withPid, SocketReaders.Setting.PROC)) {
        time("empty ns through /proc/PID/net, TCP", rounds, () -> proc.read(Set.of(Protocol.TCP)));
        time(
            "empty ns through /proc/PID/net, whole table",
            rounds,
            () -> proc.read(EnumSet.allOf(Protocol.class)));
      }
      try (NetlinkSocketReader host = NetlinkSocketReader.open();
          NamespaceSocketReader reader =
              NamespaceSocketReader.open(empty, SocketReaders.Setting.NETLINK)) {
        Set<Protocol> tcp = Set.of(Protocol.TCP);
        Set<Protocol> udp = Set.of(Protocol.UDP);
        Set<Protocol> unix = Set.of(Protocol.UNIX);
        time("host TCP, all states", rounds, () -> host.read(tcp));
        time("host TCP, LISTEN only", rounds, () -> host.read(tcp, Set.of(SocketState.LISTEN)));
        time("empty ns TCP, all states", rounds, () -> reader.read(tcp));
        time(
            "empty ns TCP, LISTEN only",
            rounds,
            () -> reader.read(tcp, Set.of(SocketState.LISTEN)));
        time("empty ns UDP v4+v6, all states", rounds, () -> reader.read(udp));
        time("empty ns unix, all states", rounds, () -> reader.read(unix));
        time(
            "empty ns whole table (TCP, UDP, unix)",
            rounds,
            () -> reader.read(EnumSet.allOf(Protocol.class)));
        time(
            "empty ns listener pass (TCP LISTEN, UDP CLOSE, unix LISTEN)",
            rounds,
            () -> {
              List<SocketEntry> rows =
                  new ArrayList<>(reader.read(tcp, Set.of(SocketState.LISTEN)));
              rows.addAll(reader.read(udp, Set.of(SocketState.CLOSE)));
              rows.addAll(reader.read(unix, Set.of(SocketState.LISTEN)));
              return rows;
            });
      }
      NamespaceDiscovery discovery = NamespaceDiscovery.create();
      time(
          "discovery (" + found.namespaces().size() + " namespaces)",
          Math.max(20, rounds / 10),
          () -> discovery.discover().namespaces());
      if (namespaces < 2) {
        return;
      }
      try (NamespacesReader all =
          new NamespacesReader(
              NamespaceDiscovery.create(),
              SocketReaders.Setting.NETLINK,
              1,
              java.time.Duration.ofHours(1))) {
        all.sample(); // opens the readers
        time(
            "NamespacesReader.sample(), " + namespaces + " namespaces, all read whole each time",
            Math.max(20, rounds / 20),
            () -> all.sample().tables());
      }
      try (NamespacesReader all = NamespacesReader.create(SocketReaders.Setting.NETLINK)) {
        all.sample(); // opens the readers, reads each whole once
        int[] fulls = new int[1];
        time(
            "NamespacesReader.sample(), "
                + namespaces
                + " quiet namespaces, defaults (every "
                + NamespacesReader.QUIET_EVERY
                + ", budget "
                + NamespacesReader.FULL_READ_BUDGET.toMillis()
                + " ms)",
            Math.max(20, rounds / 20),
            () -> {
              NamespacesSample s = all.sample();
              fulls[0] += s.fullReads();
              return s.tables();
            });
        System.out.println("  full reads in those samples (and warm-up): " + fulls[0]);
      }
    } finally {
      for (String n : names) {
        run("ip", "netns", "del", n);
      }
      for (AutoCloseable c : held) {
        c.close();
      }
    }
  }

  /** The namespace once discovery sees {@code pid} in it (ip netns exec has entered it). */
  private static NetNamespace waitFor(java.util.function.Supplier<NetNamespace> probe, long pid)
      throws IOException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (System.nanoTime() < deadline) {
      try {
        NetNamespace n = probe.get();
        if (n != null && n.pids().contains((int) pid)) {
          return n;
        }
      } catch (RuntimeException e) {
        // looked while a process exited: look again
      }
      Thread.onSpinWait();
    }
    throw new IOException("pid " + pid + " never showed in the namespace");
  }

  interface Work {
    List<?> run() throws IOException;
  }

  private static void time(String what, int rounds, Work work) throws IOException {
    for (int i = 0; i < Math.min(200, rounds); i++) {
      work.run(); // warm up
    }
    long[] wall = new long[rounds];
    long[] cpu = new long[rounds];
    int rows = 0;
    for (int i = 0; i < rounds; i++) {
      long c0 = THREADS.getCurrentThreadCpuTime();
      long t0 = System.nanoTime();
      rows = work.run().size();
      wall[i] = System.nanoTime() - t0;
      cpu[i] = THREADS.getCurrentThreadCpuTime() - c0;
    }
    Arrays.sort(wall);
    Arrays.sort(cpu);
    System.out.println(
        String.format(
            Locale.ROOT,
            "%-90s rows %6d  wall median %8.1f us p90 %8.1f us  cpu median %8.1f us",
            what,
            rows,
            wall[rounds / 2] / 1e3,
            wall[rounds * 9 / 10] / 1e3,
            cpu[rounds / 2] / 1e3));
  }

  private static List<AutoCloseable> holdPairs(int pairs) throws IOException {
    List<AutoCloseable> held = new ArrayList<>();
    ServerSocketChannel server = ServerSocketChannel.open();
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
    held.add(server);
    for (int i = 0; i < pairs; i++) {
      SocketChannel client = SocketChannel.open(server.getLocalAddress());
      held.add(client);
      held.add(server.accept());
    }
    return held;
  }

  private static void run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).inheritIO().start();
    if (p.waitFor() != 0) {
      throw new IOException(String.join(" ", command) + " exited " + p.exitValue());
    }
  }
}
