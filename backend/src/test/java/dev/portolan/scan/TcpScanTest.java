package dev.portolan.scan;

import static dev.portolan.scan.ScanFixtures.V4;
import static dev.portolan.scan.ScanFixtures.V6;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.scan.banner.Banner;
import dev.portolan.socket.Protocol;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * TCP connect scans of the loopback addresses, against listeners the test opens, ports it reserved
 * and released (closed), and a listener whose accept queue is full (the kernel drops the SYN:
 * filtered). Through the direct system calls and through SocketChannel, IPv4 and IPv6.
 */
@Timeout(60)
class TcpScanTest {

  @ParameterizedTest(name = "{0} direct={1}")
  @CsvSource({"127.0.0.1, true", "127.0.0.1, false", "::1, true", "::1, false"})
  void exactStatesOnLoopback(String host, boolean direct) throws Exception {
    InetAddress address = InetAddress.getByName(host);
    List<ServerSocketChannel> listeners = new ArrayList<>();
    try (ScanFixtures.FullListener full = new ScanFixtures.FullListener(address)) {
      List<Integer> open = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        ServerSocketChannel s = ScanFixtures.listen(address);
        listeners.add(s);
        open.add(ScanFixtures.port(s));
      }
      List<Integer> closed = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        closed.add(ScanFixtures.reservedClosedTcp(address));
      }
      closed.removeAll(open);
      List<Integer> all = new ArrayList<>(open);
      all.addAll(closed);
      all.add(full.port());

      ScanFixtures.Recorder rec = new ScanFixtures.Recorder();
      ScanPlan plan = ScanFixtures.plan(List.of(address), all, Protocol.TCP, Preset.AGGRESSIVE);
      ScanRun run = ScanEngine.create().withDirectProbes(direct).start(plan, rec);
      ScanOutcome o = ScanFixtures.await(run, 30);

      assertEquals(ScanOutcome.Status.COMPLETED, o.status(), String.valueOf(o.error()));
      assertEquals(all.size(), o.results().size());
      ScanFixtures.assertSorted(o.results());
      rec.assertOncePerPortAndProgress(o, plan.total());
      for (int p : open) {
        PortResult r = rec.get(address, p);
        assertEquals(PortState.OPEN, r.state(), "port " + p);
        assertEquals("syn-ack", r.reason());
        assertTrue(r.rttMicros() >= 0, "rtt " + r.rttMicros());
        assertEquals(Protocol.TCP, r.proto());
        assertNull(r.banner());
      }
      for (int p : closed) {
        PortResult r = rec.get(address, p);
        assertEquals(PortState.CLOSED, r.state(), "port " + p);
        assertEquals("conn-refused", r.reason());
        assertTrue(r.rttMicros() >= 0, "rtt " + r.rttMicros());
      }
      PortResult f = rec.get(address, full.port());
      assertEquals(PortState.FILTERED, f.state(), "full accept queue");
      assertEquals("no-response", f.reason());
      assertEquals(-1, f.rttMicros());
      // the filtered port was sent maxRetries + 1 times, every other port once (unless a heavily
      // loaded machine
      // delayed an answer past the timeout)
      ScanStats stats = run.stats();
      assertTrue(stats.retransmits() >= Preset.AGGRESSIVE.maxRetries(), stats.toString());
      assertEquals(all.size() + stats.retransmits(), o.probesSent(), stats.toString());
      assertEquals(o.probesSent(), stats.probesSent());
    } finally {
      for (ServerSocketChannel s : listeners) {
        s.close();
      }
    }
  }

  @Test
  void bothFamiliesInOneScanComeOutInAddressThenPortOrder() throws Exception {
    // three ports free on both loopbacks: a listener on 127.0.0.1 only, one on ::1 only, and
    // nothing
    // three different ports: the kernel may hand the same free port out again once it was released
    int pa = ScanFixtures.reservedClosedTcpBoth();
    int pb;
    do {
      pb = ScanFixtures.reservedClosedTcpBoth();
    } while (pb == pa);
    int closed;
    do {
      closed = ScanFixtures.reservedClosedTcpBoth();
    } while (closed == pa || closed == pb);
    try (ServerSocketChannel a = ServerSocketChannel.open().bind(new InetSocketAddress(V4, pa));
        ServerSocketChannel b = ServerSocketChannel.open().bind(new InetSocketAddress(V6, pb))) {
      ScanFixtures.Recorder rec = new ScanFixtures.Recorder();
      ScanPlan plan =
          ScanFixtures.plan(
              List.of(V6, V4, V6), ScanFixtures.list(pa, pb, closed), Protocol.TCP, Preset.NORMAL);
      ScanOutcome o = ScanFixtures.await(ScanEngine.create().start(plan, rec), 30);
      assertEquals(ScanOutcome.Status.COMPLETED, o.status());
      assertEquals(6, o.results().size(), "an address given twice is scanned once: " + o.results());
      ScanFixtures.assertSorted(o.results());
      rec.assertOncePerPortAndProgress(o, 6);
      assertEquals(V4, o.results().get(0).address());
      assertEquals(V6, o.results().get(5).address());
      assertEquals(PortState.OPEN, rec.get(V4, pa).state());
      assertEquals(PortState.CLOSED, rec.get(V6, pa).state());
      assertEquals(PortState.CLOSED, rec.get(V4, pb).state());
      assertEquals(PortState.OPEN, rec.get(V6, pb).state());
      assertEquals(PortState.CLOSED, rec.get(V4, closed).state());
      assertEquals(PortState.CLOSED, rec.get(V6, closed).state());
    }
  }

  @Test
  void bannersComeFromTheGrabberWithoutHoldingUpTheScan() throws Exception {
    List<ServerSocketChannel> listeners = new ArrayList<>();
    try {
      List<Integer> open = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        ServerSocketChannel s = ScanFixtures.listen(V4);
        listeners.add(s);
        open.add(ScanFixtures.port(s));
      }
      int slowPort = open.get(0);
      List<Integer> closed = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        closed.add(ScanFixtures.reservedClosedTcp(V4));
      }
      closed.removeAll(open);
      CountDownLatch release = new CountDownLatch(1);
      AtomicInteger active = new AtomicInteger();
      AtomicInteger peak = new AtomicInteger();
      Set<String> grabThreads = ConcurrentHashMap.newKeySet();
      ScanEngine.Grabber grabber =
          (address, port, timeout) -> {
            grabThreads.add(
                Thread.currentThread().isVirtual() ? "virtual" : Thread.currentThread().getName());
            peak.accumulateAndGet(active.incrementAndGet(), Math::max);
            try {
              if (port == slowPort) {
                // a slow service: the rest of the scan must not wait for it
                release.await(20, TimeUnit.SECONDS);
              }
              if (port == open.get(1)) {
                throw new IllegalStateException("a grabber that breaks its promise not to throw");
              }
              return new Banner("test", "hello from " + port, null, null, null);
            } catch (InterruptedException e) {
              return null;
            } finally {
              active.decrementAndGet();
            }
          };
      List<Integer> all = new ArrayList<>(open);
      all.addAll(closed);
      ScanPlan plan =
          new ScanPlan(
              List.of(V4),
              PortList.of(all.stream().mapToInt(Integer::intValue).toArray()),
              Protocol.TCP,
              Preset.AGGRESSIVE,
              true,
              0,
              0);
      ScanFixtures.Recorder rec =
          new ScanFixtures.Recorder() {
            @Override
            public void onResult(PortResult r) {
              super.onResult(r);
              if (results.size() == plan.total() - 1) {
                // everything but the slow port has been reported while its grab still runs
                release.countDown();
              }
            }
          };
      ScanOutcome o =
          ScanFixtures.await(ScanEngine.create().withGrabber(grabber).start(plan, rec), 30);
      assertEquals(ScanOutcome.Status.COMPLETED, o.status());
      rec.assertOncePerPortAndProgress(o, plan.total());
      assertEquals(
          slowPort,
          rec.results.get(rec.results.size() - 1).port(),
          "the slow grab's port came last");
      for (int p : open) {
        PortResult r = rec.get(V4, p);
        assertEquals(PortState.OPEN, r.state());
        if (p == open.get(1)) {
          assertNull(r.banner(), "a grabber that threw gives no banner");
        } else {
          assertEquals("hello from " + p, r.banner().text());
        }
      }
      for (int p : closed) {
        assertNull(rec.get(V4, p).banner());
      }
      assertEquals(Set.of("virtual"), grabThreads);
      assertTrue(
          peak.get() >= 1 && peak.get() <= EngineRun.MAX_BANNERS, "peak grabs " + peak.get());
    } finally {
      for (ServerSocketChannel s : listeners) {
        s.close();
      }
    }
  }

  @Test
  void aListenerThatThrowsDoesNotStopTheScan() throws Exception {
    try (ServerSocketChannel s = ScanFixtures.listen(V4)) {
      List<Integer> ports = new ArrayList<>(List.of(ScanFixtures.port(s)));
      for (int i = 0; i < 10; i++) {
        ports.add(ScanFixtures.reservedClosedTcp(V4));
      }
      AtomicInteger calls = new AtomicInteger();
      ScanListener throwing =
          new ScanListener() {
            @Override
            public void onResult(PortResult result) {
              calls.incrementAndGet();
              throw new IllegalStateException("listener bug");
            }

            @Override
            public void onProgress(long done, long total) {
              throw new IllegalStateException("listener bug");
            }
          };
      ScanPlan plan = ScanFixtures.plan(List.of(V4), ports, Protocol.TCP, Preset.AGGRESSIVE);
      ScanOutcome o = ScanFixtures.await(ScanEngine.create().start(plan, throwing), 30);
      assertEquals(ScanOutcome.Status.COMPLETED, o.status());
      assertEquals(Set.copyOf(ports).size(), o.results().size());
      assertEquals(o.results().size(), calls.get());
      assertEquals(
          PortState.OPEN,
          o.results().stream()
              .filter(r -> r.port() == ports.get(0))
              .findFirst()
              .orElseThrow()
              .state());
    }
  }

  @Test
  void theRateCapSpacesTheProbes() throws Exception {
    List<Integer> ports = new ArrayList<>();
    while (ports.size() < 40) {
      int p = ScanFixtures.reservedClosedTcp(V4);
      if (!ports.contains(p)) {
        ports.add(p);
      }
    }
    // 100 probes a second: 40 probes take at least 0.39 s (the first goes at once)
    ScanPlan plan =
        new ScanPlan(
            List.of(V4),
            PortList.of(ports.stream().mapToInt(i -> i).toArray()),
            Protocol.TCP,
            Preset.AGGRESSIVE,
            false,
            100,
            0);
    long t0 = System.nanoTime();
    ScanOutcome o = ScanFixtures.await(ScanEngine.create().start(plan, ScanListener.NONE), 30);
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertEquals(ScanOutcome.Status.COMPLETED, o.status());
    assertEquals(40, o.results().stream().filter(r -> r.state() == PortState.CLOSED).count());
    assertTrue(ms >= 385, "40 probes at 100/s in " + ms + " ms");
    assertTrue(ms < 5_000, "40 probes at 100/s in " + ms + " ms");
  }

  @Test
  void anEmptyPlanCompletesAtOnce() throws Exception {
    ScanFixtures.Recorder rec = new ScanFixtures.Recorder();
    ScanPlan plan =
        new ScanPlan(List.of(), PortList.of(80), Protocol.TCP, Preset.NORMAL, false, 0, 0);
    ScanOutcome o = ScanFixtures.await(ScanEngine.create().start(plan, rec), 10);
    assertEquals(ScanOutcome.Status.COMPLETED, o.status());
    assertEquals(0, o.results().size());
    assertEquals(List.of(0L, 0L), List.of(rec.progress.get(0)[0], rec.progress.get(0)[1]));
  }
}
