package dev.portolan.scan;

import static dev.portolan.scan.ScanFixtures.V4;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.socket.Protocol;
import dev.portolan.web.Await;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Cancelling, the cap on open sockets, and running out of file descriptors. */
@Timeout(90)
class ScanLimitsTest {

  /**
   * Ports that keep a probe waiting: silent UDP sockets, or TCP listeners with a full accept queue.
   */
  private static final class Waiting implements AutoCloseable {
    final List<AutoCloseable> held = new ArrayList<>();
    final List<Integer> ports = new ArrayList<>();

    Waiting(Protocol proto, int count) throws Exception {
      if (proto == Protocol.UDP) {
        for (int i = 0; i < count; i++) {
          DatagramChannel d = DatagramChannel.open().bind(new InetSocketAddress(V4, 0));
          held.add(d);
          ports.add(ScanFixtures.port(d));
        }
        return;
      }
      // filling an accept queue waits a moment for the connect that stays pending: fill them all at
      // once
      try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
        List<Future<ScanFixtures.FullListener>> filling = new ArrayList<>();
        for (int i = 0; i < count; i++) {
          filling.add(pool.submit(() -> new ScanFixtures.FullListener(V4)));
        }
        for (Future<ScanFixtures.FullListener> f : filling) {
          held.add(f.get());
          ports.add(((ScanFixtures.FullListener) held.get(held.size() - 1)).port());
        }
      }
    }

    @Override
    public void close() throws Exception {
      for (AutoCloseable c : held) {
        c.close();
      }
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = Protocol.class,
      names = {"TCP", "UDP"})
  void cancelStopsWithinATimeoutAndClosesEverySocket(Protocol proto) throws Exception {
    try (Waiting waiting = new Waiting(proto, proto == Protocol.UDP ? 150 : 25)) {
      List<Integer> ports = new ArrayList<>(waiting.ports);
      for (int i = 0; i < 20; i++) {
        int p =
            proto == Protocol.UDP
                ? ScanFixtures.reservedClosedUdp(V4)
                : ScanFixtures.reservedClosedTcp(V4);
        if (!ports.contains(p)) {
          ports.add(p);
        }
      }
      long baseline = ScanFixtures.openSocketsAndSelectors();
      // POLITE: a 1 s timeout and two retransmissions: the waiting ports alone would take several
      // seconds
      ScanPlan plan = ScanFixtures.plan(List.of(V4), ports, proto, Preset.POLITE);
      ScanFixtures.Recorder rec = new ScanFixtures.Recorder();
      ScanRun run = ScanEngine.create().start(plan, rec);
      Await.until(
          "probes in flight",
          Duration.ofSeconds(10),
          () -> run.stats().inFlight() >= 5 ? true : null);
      assertTrue(ScanFixtures.openSocketsAndSelectors() > baseline, "the probes hold sockets");
      long t0 = System.nanoTime();
      run.cancel();
      ScanOutcome o = run.outcome().get(5, TimeUnit.SECONDS);
      long tookMs = (System.nanoTime() - t0) / 1_000_000;

      assertEquals(ScanOutcome.Status.CANCELLED, o.status());
      assertTrue(
          tookMs < Preset.POLITE.initialTimeout().toMillis(), "cancel took " + tookMs + " ms");
      assertTrue(
          o.results().size() < plan.total(),
          "cancelled with everything done: " + o.results().size());
      rec.assertOncePerPortAndProgress(o, plan.total());
      ScanFixtures.assertSorted(o.results());
      for (PortResult r : o.results()) {
        assertTrue(r.state() == PortState.CLOSED || r.reason().equals("no-response"), r.toString());
      }
      // every socket and selector of the scan is closed
      Await.until(
          "sockets and selectors back to " + baseline,
          Duration.ofSeconds(5),
          () -> ScanFixtures.openSocketsAndSelectors() <= baseline ? true : null);
      Await.until(
          "the scan's threads to end",
          Duration.ofSeconds(5),
          () ->
              Thread.getAllStackTraces().keySet().stream()
                      .noneMatch(t -> t.getName().startsWith("portolan-scan-") && t.isAlive())
                  ? true
                  : null);
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = Protocol.class,
      names = {"TCP", "UDP"})
  void aSmallSocketCapIsNeverExceededAndTheScanStillCompletes(Protocol proto) throws Exception {
    int cap = 3;
    List<ServerSocketChannel> listeners = new ArrayList<>();
    List<UdpResponder> echoes = new ArrayList<>();
    try (Waiting waiting = new Waiting(proto, 8)) {
      Map<Integer, PortState> expected = new HashMap<>();
      for (int p : waiting.ports) {
        expected.put(p, proto == Protocol.UDP ? PortState.OPEN_FILTERED : PortState.FILTERED);
      }
      for (int i = 0; i < 4; i++) {
        int p;
        if (proto == Protocol.UDP) {
          UdpResponder e = UdpResponder.echo(V4);
          echoes.add(e);
          p = e.port();
        } else {
          ServerSocketChannel s = ScanFixtures.listen(V4);
          listeners.add(s);
          p = ScanFixtures.port(s);
        }
        expected.put(p, PortState.OPEN);
      }
      for (int i = 0; i < 30; i++) {
        int p =
            proto == Protocol.UDP
                ? ScanFixtures.reservedClosedUdp(V4)
                : ScanFixtures.reservedClosedTcp(V4);
        expected.putIfAbsent(p, PortState.CLOSED);
      }
      ScanPlan plan =
          new ScanPlan(
              List.of(V4),
              PortList.of(expected.keySet().stream().mapToInt(i -> i).toArray()),
              proto,
              Preset.AGGRESSIVE,
              false,
              0,
              cap);
      ScanRun run = ScanEngine.create().start(plan, ScanListener.NONE);
      ScanOutcome o = ScanFixtures.await(run, 60);
      assertEquals(ScanOutcome.Status.COMPLETED, o.status());
      for (PortResult r : o.results()) {
        assertEquals(expected.get(r.port()), r.state(), "port " + r.port());
      }
      assertEquals(expected.size(), o.results().size());
      ScanStats s = run.stats();
      assertTrue(
          s.peakSockets() <= cap, "peak sockets " + s.peakSockets() + " over the cap " + cap);
      assertTrue(
          s.peakInFlight() <= cap, "peak in flight " + s.peakInFlight() + " over the cap " + cap);
      // and the cap was what held it back: the waiting probes alone would have filled more
      assertEquals(cap, s.peakInFlight(), s.toString());
      assertTrue(s.socketCap() <= cap, s.toString());
    } finally {
      for (ServerSocketChannel l : listeners) {
        l.close();
      }
      for (UdpResponder e : echoes) {
        e.close();
      }
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = Protocol.class,
      names = {"TCP", "UDP"})
  void runningOutOfDescriptorsSlowsTheScanDownButDoesNotFailIt(Protocol proto) throws Exception {
    String prlimit = ScanFixtures.which("prlimit");
    Assumptions.assumeTrue(
        prlimit != null, "needs prlimit (util-linux) to run a JVM with fewer descriptors");
    try (Child child =
        Child.start(List.of(prlimit, "--nofile=400:400"), "emfile", proto.wireName())) {
      List<String> lines = child.until("END");
      Map<Integer, String> expected = new HashMap<>();
      Map<Integer, String> notClosed = new HashMap<>();
      long backoffs = -1;
      String run = null;
      String stats = null;
      for (String line : lines) {
        String[] f = line.split(" ");
        switch (f[0]) {
          case "EXPECT" -> expected.put(Integer.parseInt(f[1]), f[2]);
          case "NC" -> notClosed.put(Integer.parseInt(f[1]), f[2]);
          case "BACKOFFS_BEFORE_RELEASE" -> backoffs = Long.parseLong(f[1]);
          case "RUN" -> run = line;
          case "STATS" -> stats = line;
          default -> {}
        }
      }
      assertTrue(run != null && run.contains(" COMPLETED "), run);
      assertTrue(backoffs > 0, "the engine never ran into EMFILE: " + stats);
      for (Map.Entry<Integer, String> e : expected.entrySet()) {
        assertEquals(
            e.getValue(), notClosed.getOrDefault(e.getKey(), "closed"), "port " + e.getKey());
      }
      assertTrue(
          lines.contains(
              "COUNT closed " + expected.values().stream().filter("closed"::equals).count()),
          lines.toString());
    }
  }
}
