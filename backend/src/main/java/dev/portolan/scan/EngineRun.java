package dev.portolan.scan;

import dev.portolan.scan.banner.Banner;
import dev.portolan.scan.banner.UdpPayloads;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One scan: the coordinator of its {@link Lane lanes}. It runs on the scan's thread ({@code
 * portolan-scan-N}), which is also lane 0's: between selects lane 0 hands it the results, and it
 * calls the listener, starts banner grabs, samples the file descriptors and reports progress. A
 * large scan of this host's own addresses with a preset that allows it ({@link Preset#lanes()})
 * gets more lanes, each on a thread of its own ({@code portolan-scan-N-lane-K}) with its own
 * selector and every K-th target, because there the kernel's work per probe, done inside the
 * syscalls, is the bottleneck. Their results come to the scan's thread through a queue, so the
 * listener still hears everything on that one thread.
 *
 * <p>Measurements: backend/docs/measurements.md#enginerun
 */
final class EngineRun implements ScanRun {
  static final int MAX_PROBES = 1 << 24;
  static final int MAX_BANNERS = 32;

  /** Below this many probes, one lane does it. */
  static final int LANE_MIN_PROBES = 8192;

  /** Below this socket cap, one lane does it. */
  static final int LANE_MIN_SOCKETS = 64;

  private static final long PROGRESS_EVERY = 100_000_000L;
  private static final long FD_SAMPLE_EVERY = 1_000_000_000L;
  private static final AtomicInteger SEQUENCE = new AtomicInteger();
  private static final System.Logger LOG = System.getLogger(EngineRun.class.getName());

  private record Finished(int index, PortResult result) {}

  private record BannerDone(int index, Banner banner) {}

  private final ScanPlan plan;
  private final ScanListener listener;
  private final ScanEngine.Grabber grabber;
  private final UdpPayloads payloads;
  private final boolean direct;
  private final Preset preset;
  private final String name;
  private final CompletableFuture<ScanOutcome> outcome = new CompletableFuture<>();
  private volatile boolean cancelled;
  private volatile boolean halted;
  private volatile Throwable failure;
  private volatile ScanStats stats = ScanStats.NONE;
  private volatile Lane[] lanes = new Lane[0];
  private volatile boolean resourceTrouble;
  private final ConcurrentLinkedQueue<Finished> fromLanes = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<BannerDone> bannersDone = new ConcurrentLinkedQueue<>();

  // the coordinator's state, on the scan's thread
  private Targets targets;
  private PortResult[] results;
  private int total;
  private int done;
  private long startNanos;
  private final FdBudget fds = new FdBudget();
  private long lastFdSample;
  private long lastProgress;
  private int lastProgressDone = -1;
  private boolean listenerFailed;
  private ExecutorService bannerExecutor;
  private final Map<Integer, PortResult> awaitingBanner = new HashMap<>();
  private final ArrayDeque<Integer> bannerBacklog = new ArrayDeque<>();
  private int bannersActive;
  private int bannerSlots;
  private int peakBanners;

  EngineRun(
      ScanPlan plan,
      ScanListener listener,
      UdpPayloads payloads,
      ScanEngine.Grabber grabber,
      boolean direct) {
    this.plan = plan;
    this.direct = direct;
    this.listener = listener == null ? ScanListener.NONE : listener;
    this.payloads = payloads;
    this.grabber = grabber;
    this.preset = plan.preset();
    this.name = "portolan-scan-" + SEQUENCE.incrementAndGet();
  }

  void start() {
    Thread.ofPlatform().daemon(true).name(name).start(this::run);
  }

  @Override
  public void cancel() {
    cancelled = true;
    wakeAll();
  }

  @Override
  public CompletableFuture<ScanOutcome> outcome() {
    return outcome;
  }

  @Override
  public ScanStats stats() {
    return stats;
  }

  /** Lanes this scan probes from (for tests). */
  int laneCount() {
    return lanes.length;
  }

  // ------------------------------------------------------------------------------------------------ the run

  private void run() {
    startNanos = System.nanoTime();
    List<Thread> threads = new ArrayList<>();
    try {
      if (plan.total() > MAX_PROBES) {
        throw new IllegalArgumentException(
            "the scan has " + plan.total() + " probes (addresses x ports); at most " + MAX_PROBES);
      }
      targets = new Targets(plan, payloads);
      total = targets.total;
      results = new PortResult[total];
      long now = System.nanoTime();
      fds.sample(0);
      lastFdSample = now;
      lastProgress = now;
      int cap = socketCap();
      int n = laneCountFor(cap);
      bannerSlots = plan.banners() && targets.tcp ? Math.clamp(cap / 4, 1, MAX_BANNERS) : 0;
      if (bannerSlots > 0) {
        bannerExecutor =
            Executors.newThreadPerTaskExecutor(
                Thread.ofVirtual().name(name + "-banner-", 0).factory());
      }
      double rate = Timing.rateCap(preset, plan.maxRate(), targets.allLocal);
      Lane[] ls = new Lane[n];
      try {
        for (int k = 0; k < n; k++) {
          ls[k] = new Lane(this, targets, k, n, laneCap(cap, n), rate / n, direct, now);
        }
      } catch (Throwable e) {
        for (Lane lane : ls) {
          if (lane != null) {
            lane.tearDown();
          }
        }
        throw e;
      }
      lanes = ls;
      for (int k = 1; k < n; k++) {
        Lane lane = ls[k];
        threads.add(
            Thread.ofPlatform().daemon(true).name(name + "-lane-" + k).start(() -> runLane(lane)));
      }
      if (total > 0) {
        ls[0].loop();
      }
    } catch (Throwable e) {
      fail(e);
    } finally {
      finish(threads);
    }
  }

  private void runLane(Lane lane) {
    try {
      lane.loop();
    } catch (Throwable e) {
      fail(e);
    } finally {
      lane.tearDown();
      Lane[] ls = lanes;
      if (ls.length > 0) {
        ls[0].selector.wakeup();
      }
    }
  }

  private void fail(Throwable e) {
    if (failure == null) {
      failure = e;
      LOG.log(System.Logger.Level.WARNING, "scan " + name + " failed", e);
    }
    wakeAll();
  }

  private void wakeAll() {
    for (Lane lane : lanes) {
      lane.selector.wakeup();
    }
  }

  private int laneCountFor(int cap) {
    int n = 1;
    if (preset.lanes() > 1
        && targets.anyLocal
        && total >= LANE_MIN_PROBES
        && cap >= LANE_MIN_SOCKETS) {
      n = Math.min(preset.lanes(), Runtime.getRuntime().availableProcessors());
    }
    return Math.max(1, n);
  }

  private void finish(List<Thread> threads) {
    halted = true;
    wakeAll();
    for (Thread t : threads) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    Lane[] ls = lanes;
    if (ls.length > 0) {
      ls[0].tearDown();
    }
    // what the lanes finished before they stopped, and the open ports still waiting for their
    // banner
    drainLanes(false);
    if (!awaitingBanner.isEmpty()) {
      List<Map.Entry<Integer, PortResult>> pending = new ArrayList<>(awaitingBanner.entrySet());
      awaitingBanner.clear();
      pending.sort(Map.Entry.comparingByKey());
      for (Map.Entry<Integer, PortResult> e : pending) {
        emit(e.getKey(), e.getValue());
      }
    }
    if (bannerExecutor != null) {
      bannerExecutor.shutdownNow();
    }
    if (failure == null && done < total && !cancelled) {
      failure =
          new IllegalStateException("the scan ended with " + done + " of " + total + " ports done");
    }
    ScanOutcome.Status status;
    if (failure != null) {
      status = ScanOutcome.Status.FAILED;
    } else if (done >= total) {
      status = ScanOutcome.Status.COMPLETED;
    } else {
      status = ScanOutcome.Status.CANCELLED;
    }
    publishStats();
    progress(System.nanoTime(), true);
    List<PortResult> list = new ArrayList<>(done);
    if (results != null) {
      for (PortResult r : results) {
        if (r != null) {
          list.add(r);
        }
      }
    }
    Throwable f = failure;
    String error = f == null ? null : f.getClass().getSimpleName() + ": " + f.getMessage();
    long probes = 0;
    for (Lane lane : ls) {
      probes += lane.stats().probesSent();
    }
    outcome.complete(
        new ScanOutcome(
            status,
            Collections.unmodifiableList(list),
            probes,
            (System.nanoTime() - startNanos) / 1000,
            error));
  }

  // ------------------------------------------------------------------------------------------------ from the lanes

  boolean stopping() {
    return cancelled || halted || failure != null;
  }

  boolean allDone() {
    return done >= total;
  }

  /**
   * A lane's probe is final. Lane 0 calls on the scan's thread; the others queue it for that
   * thread.
   */
  void report(Lane lane, int index, PortResult r) {
    if (lane.index == 0) {
      finished(index, r);
    } else {
      fromLanes.add(new Finished(index, r));
      lanes[0].selector.wakeup();
    }
  }

  /**
   * A lane could not get a socket for want of descriptors: sample them again at the next chance.
   */
  void resourceTrouble() {
    resourceTrouble = true;
  }

  /**
   * The coordinator's turn, on the scan's thread between lane 0's selects: results from the other
   * lanes, banners, the descriptor budget, progress. Returns how long it can wait for its next
   * turn, in nanoseconds.
   */
  long coordinate(long now) {
    drainLanes(true);
    drainBanners();
    if (resourceTrouble || now - lastFdSample >= FD_SAMPLE_EVERY) {
      if (!resourceTrouble || now - lastFdSample >= 50_000_000L) {
        resourceTrouble = false;
        int ours = bannersActive;
        for (Lane lane : lanes) {
          ours += lane.stats().sockets();
        }
        fds.sample(ours);
        lastFdSample = now;
        int cap = socketCap();
        Lane[] ls = lanes;
        for (Lane lane : ls) {
          lane.cap(laneCap(cap, ls.length));
        }
      }
    }
    if (now - lastProgress >= PROGRESS_EVERY) {
      publishStats();
      progress(now, false);
    }
    long wait = lastFdSample + FD_SAMPLE_EVERY - now;
    if (done != lastProgressDone) {
      wait = Math.min(wait, lastProgress + PROGRESS_EVERY - now);
    }
    return Math.max(0, wait);
  }

  private void drainLanes(boolean bannersToo) {
    Finished f;
    while ((f = fromLanes.poll()) != null) {
      if (bannersToo) {
        finished(f.index(), f.result());
      } else {
        emit(f.index(), f.result());
      }
    }
  }

  private int socketCap() {
    long cap = preset.maxParallelism();
    if (plan.maxOpenSockets() > 0) {
      cap = Math.min(cap, plan.maxOpenSockets());
    }
    cap = Math.min(cap, fds.cap());
    return (int) Math.max(1, cap);
  }

  private int laneCap(int cap, int laneCount) {
    return Math.max(1, (cap - bannerSlots) / laneCount);
  }

  private void finished(int index, PortResult r) {
    if (bannerSlots > 0 && r.state() == PortState.OPEN) {
      awaitingBanner.put(index, r);
      bannerBacklog.add(index);
      startBanners();
    } else {
      emit(index, r);
    }
  }

  private void emit(int index, PortResult r) {
    if (results[index] != null) {
      return;
    }
    results[index] = r;
    done++;
    try {
      listener.onResult(r);
    } catch (Throwable t) {
      listenerFailed(t);
    }
  }

  private void progress(long now, boolean last) {
    if (!last && done == lastProgressDone) {
      lastProgress = now;
      return;
    }
    lastProgress = now;
    lastProgressDone = done;
    try {
      listener.onProgress(done, total);
    } catch (Throwable t) {
      listenerFailed(t);
    }
  }

  private void listenerFailed(Throwable t) {
    if (t instanceof VirtualMachineError vme) {
      throw vme;
    }
    if (!listenerFailed) {
      listenerFailed = true;
      LOG.log(
          System.Logger.Level.WARNING,
          "the listener of scan " + name + " threw; the scan goes on",
          t);
    }
  }

  // ------------------------------------------------------------------------------------------------ banners

  private void startBanners() {
    Duration timeout = preset.bannerTimeout();
    while (!bannerBacklog.isEmpty() && bannersActive < bannerSlots && !stopping()) {
      int index = bannerBacklog.poll();
      PortResult r = awaitingBanner.get(index);
      if (r == null) {
        continue;
      }
      if (++bannersActive > peakBanners) {
        peakBanners = bannersActive;
      }
      Lane coordinatorLane = lanes[0];
      bannerExecutor.execute(
          () -> {
            Banner b = null;
            try {
              b = grabber.grab(r.address(), r.port(), timeout);
            } catch (Throwable t) {
              LOG.log(System.Logger.Level.DEBUG, () -> "banner grab threw: " + t);
            }
            bannersDone.add(new BannerDone(index, b));
            coordinatorLane.selector.wakeup();
          });
    }
  }

  private void drainBanners() {
    BannerDone d;
    boolean any = false;
    while ((d = bannersDone.poll()) != null) {
      any = true;
      bannersActive--;
      PortResult r = awaitingBanner.remove(d.index());
      if (r != null) {
        emit(d.index(), r.withBanner(d.banner()));
      }
    }
    if (any) {
      startBanners();
    }
  }

  // ------------------------------------------------------------------------------------------------ stats

  private void publishStats() {
    Lane[] ls = lanes;
    if (ls.length == 0) {
      return;
    }
    long probes = 0;
    long retransmits = 0;
    long drops = 0;
    long backoffs = 0;
    int inFlight = 0;
    int peakInFlight = 0;
    int peakSockets = peakBanners;
    int window = 0;
    int cap = bannerSlots;
    long timeout = 0;
    double pace = 0;
    for (Lane lane : ls) {
      Lane.LaneStats s = lane.stats();
      probes += s.probesSent();
      retransmits += s.retransmits();
      drops += s.drops();
      backoffs += s.resourceBackoffs();
      inFlight += s.inFlight();
      peakInFlight += s.peakInFlight();
      peakSockets += s.peakSockets();
      window += s.window();
      cap += s.socketCap();
      timeout = Math.max(timeout, s.timeoutMicros());
      pace += s.pace();
    }
    stats =
        new ScanStats(
            probes,
            inFlight,
            peakInFlight,
            peakSockets,
            window,
            cap,
            timeout,
            retransmits,
            drops,
            pace,
            backoffs);
  }
}
