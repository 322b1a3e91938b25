package dev.portolan.scan;

import dev.portolan.holder.SocketHolder;
import dev.portolan.socket.Protocol;
import dev.portolan.web.Await;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * The other side of the scan tests that need a process of their own: run in a network namespace
 * ({@code ip netns exec}) or under a lower file-descriptor limit ({@code prlimit}). Modes:
 *
 * <ul>
 *   <li>{@code targets ADDRESS TCP_COUNT UDP_COUNT UDP_LO UDP_HI SEED [dns53]}: opens TCP listeners
 *       on random ports of 1-65535 (accepting and closing what comes) and silent UDP sockets on
 *       random ports of UDP_LO-UDP_HI, all on ADDRESS, as {@link SocketHolder} holds them, and with
 *       {@code dns53} a DNS responder on port 53; prints {@code TCP p}, {@code UDP p}, then {@code
 *       READY}; exits when its standard input ends.
 *   <li>{@code scan PROTO PORTS PRESET RUNS ADDRESS[,ADDRESS...] [MAX_OPEN_SOCKETS]}: runs the scan
 *       RUNS times and prints, per run, {@code RUN i STATUS elapsed-us probes}, a line {@code NC
 *       port state reason address} for each port not closed, {@code COUNT state n}, {@code STATS
 *       ...} and {@code END}.
 *   <li>{@code cancel ADDRESS}: starts an AGGRESSIVE scan of all TCP ports of ADDRESS, cancels it
 *       once a third of the ports are done, and prints {@code CANCELLED status results lanes
 *       ms-to-cancel sockets-before sockets-after results-heard}.
 *   <li>{@code emfile PROTO}: opens 8 listeners (TCP) or silent sockets (UDP) and reserves 40
 *       closed ports on 127.0.0.1, uses up every file descriptor but two (the scan's selector),
 *       starts a scan of them, and gives half the descriptors back only once the engine has run
 *       into EMFILE; prints the results as {@code scan} does, plus {@code EXPECT port state} for
 *       each port.
 * </ul>
 */
public final class ScanChild {

  public static void main(String[] args) throws Exception {
    switch (args[0]) {
      case "targets" -> targets(args);
      case "scan" -> scan(args);
      case "emfile" -> emfile(args);
      case "cancel" -> cancel(args);
      default -> throw new IllegalArgumentException(args[0]);
    }
  }

  private static void targets(String[] args) throws Exception {
    InetAddress address = InetAddress.getByName(args[1]);
    int tcpCount = Integer.parseInt(args[2]);
    int udpCount = Integer.parseInt(args[3]);
    int udpLo = Integer.parseInt(args[4]);
    int udpHi = Integer.parseInt(args[5]);
    Random random = new Random(Long.parseLong(args[6]));
    boolean dns = args.length > 7 && args[7].equals("dns53");
    SocketHolder.Listeners held =
        SocketHolder.listeners(
            address, random, tcpCount, udpCount, udpLo, udpHi, 128, dns ? Set.of(53) : Set.of());
    held.acceptAndClose();
    UdpResponder responder = dns ? UdpResponder.start(address, 53, UdpResponder::dns) : null;
    System.out.print(held.lines() + (responder != null ? "DNS 53\n" : ""));
    System.out.println("READY");
    System.out.flush();
    SocketHolder.holdUntilEndOfInput(System.in); // until the parent closes our input
    java.lang.ref.Reference.reachabilityFence(held);
    System.exit(0);
  }

  private static void scan(String[] args) throws Exception {
    Protocol proto = Protocol.fromWire(args[1]);
    PortList ports = PortList.parse(args[2], proto);
    Preset preset = Preset.fromWire(args[3]);
    int runs = Integer.parseInt(args[4]);
    List<InetAddress> addresses = new ArrayList<>();
    for (String a : args[5].split(",")) {
      addresses.add(InetAddress.getByName(a));
    }
    int maxOpen = args.length > 6 ? Integer.parseInt(args[6]) : 0;
    for (int i = 0; i < runs; i++) {
      ScanPlan plan = new ScanPlan(addresses, ports, proto, preset, false, 0, maxOpen);
      ScanRun run = ScanEngine.create().start(plan, ScanListener.NONE);
      ScanOutcome o = run.outcome().get();
      print(i, o, run);
    }
  }

  private static void print(int i, ScanOutcome o, ScanRun run) {
    StringBuilder out = new StringBuilder();
    out.append("RUN ")
        .append(i)
        .append(' ')
        .append(o.status())
        .append(' ')
        .append(o.elapsedMicros())
        .append(' ')
        .append(o.probesSent())
        .append(' ')
        .append(o.error())
        .append('\n');
    Map<PortState, Integer> counts = new EnumMap<>(PortState.class);
    for (PortResult r : o.results()) {
      counts.merge(r.state(), 1, Integer::sum);
      if (r.state() != PortState.CLOSED) {
        out.append("NC ")
            .append(r.port())
            .append(' ')
            .append(r.state().wireName())
            .append(' ')
            .append(r.reason())
            .append(' ')
            .append(r.address().getHostAddress())
            .append('\n');
      }
    }
    counts.forEach(
        (s, n) -> out.append("COUNT ").append(s.wireName()).append(' ').append(n).append('\n'));
    ScanStats s = run.stats();
    out.append("STATS drops=")
        .append(s.drops())
        .append(" pace=")
        .append(Math.round(s.paceRate()))
        .append(" retransmits=")
        .append(s.retransmits())
        .append(" backoffs=")
        .append(s.resourceBackoffs())
        .append(" peakSockets=")
        .append(s.peakSockets())
        .append(" lanes=")
        .append(run instanceof EngineRun e ? e.laneCount() : 0)
        .append('\n');
    out.append("END\n");
    System.out.print(out);
    System.out.flush();
  }

  private static void cancel(String[] args) throws Exception {
    InetAddress address = InetAddress.getByName(args[1]);
    ScanPlan plan =
        new ScanPlan(
            List.of(address),
            PortList.parse("-", Protocol.TCP),
            Protocol.TCP,
            Preset.AGGRESSIVE,
            false,
            0,
            0);
    long before = ScanFixtures.openSocketsAndSelectors();
    java.util.concurrent.atomic.AtomicLong done = new java.util.concurrent.atomic.AtomicLong();
    ScanRun run =
        ScanEngine.create()
            .start(
                plan,
                new ScanListener() {
                  @Override
                  public void onResult(PortResult result) {
                    done.incrementAndGet();
                  }

                  @Override
                  public void onProgress(long d, long total) {}
                });
    Await.until(
        "a third of the ports", Duration.ofSeconds(30), () -> done.get() > 65535 / 3 ? true : null);
    long t0 = System.nanoTime();
    run.cancel();
    ScanOutcome o = run.outcome().get();
    long ms = (System.nanoTime() - t0) / 1_000_000;
    Await.until(
        "the scan's threads to end",
        Duration.ofSeconds(5),
        () ->
            Thread.getAllStackTraces().keySet().stream()
                    .noneMatch(t -> t.getName().startsWith("portolan-scan-") && t.isAlive())
                ? true
                : null);
    System.out.println(
        "CANCELLED "
            + o.status()
            + " "
            + o.results().size()
            + " "
            + ((EngineRun) run).laneCount()
            + " "
            + ms
            + " "
            + before
            + " "
            + ScanFixtures.openSocketsAndSelectors()
            + " "
            + done.get());
    System.out.println("END");
  }

  private static void emfile(String[] args) throws Exception {
    Protocol proto = Protocol.fromWire(args[1]);
    InetAddress loopback = InetAddress.getByName("127.0.0.1");
    List<AutoCloseable> keep = new ArrayList<>();
    List<Integer> ports = new ArrayList<>();
    StringBuilder expect = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      int port;
      if (proto == Protocol.TCP) {
        ServerSocketChannel s = ScanFixtures.listen(loopback);
        keep.add(s);
        port = ScanFixtures.port(s);
        expect.append("EXPECT ").append(port).append(" open\n");
      } else {
        DatagramChannel d = DatagramChannel.open().bind(new InetSocketAddress(loopback, 0));
        keep.add(d);
        port = ScanFixtures.port(d);
        expect.append("EXPECT ").append(port).append(" open|filtered\n");
      }
      ports.add(port);
    }
    for (int i = 0; i < 40; i++) {
      int port =
          proto == Protocol.TCP
              ? ScanFixtures.reservedClosedTcp(loopback)
              : ScanFixtures.reservedClosedUdp(loopback);
      if (!ports.contains(port)) {
        ports.add(port);
        expect.append("EXPECT ").append(port).append(" closed\n");
      }
    }
    ScanPlan plan = ScanFixtures.plan(List.of(loopback), ports, proto, Preset.AGGRESSIVE);
    // load every class the scan needs while files can still be opened
    ScanEngine.create().start(plan, ScanListener.NONE).outcome().get();
    Await.until("warm", Duration.ofSeconds(1), () -> true);

    List<DatagramChannel> hog = new ArrayList<>();
    try {
      while (true) {
        hog.add(DatagramChannel.open());
      }
    } catch (IOException full) {
      // every descriptor taken
    }
    // give back exactly two: the scan's selector (epoll and eventfd) takes them, leaving none for a
    // probe
    for (int i = 0; i < 2; i++) {
      hog.remove(hog.size() - 1).close();
    }
    ScanRun run = ScanEngine.create().start(plan, ScanListener.NONE);
    Await.until(
        "the engine to run out of descriptors",
        Duration.ofSeconds(20),
        () -> run.stats().resourceBackoffs() > 0 || run.outcome().isDone() ? true : null);
    long backoffsBeforeRelease = run.stats().resourceBackoffs();
    for (int i = 0; i < hog.size() / 2; i++) {
      hog.get(i).close();
    }
    ScanOutcome o = run.outcome().get();
    System.out.print(expect);
    System.out.println("BACKOFFS_BEFORE_RELEASE " + backoffsBeforeRelease);
    print(0, o, run);
    for (AutoCloseable c : keep) {
      c.close();
    }
  }
}
