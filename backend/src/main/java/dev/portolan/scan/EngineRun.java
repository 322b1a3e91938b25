package dev.portolan.scan;

import dev.portolan.sampler.Protocol;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One scan, run by one platform thread driving one {@link Selector}: see {@link ScanEngine} for what it does and
 * {@link Timing} for how fast. Everything but {@link #cancel()}, {@link #outcome()} and {@link #stats()} happens on
 * that thread, so nothing here is synchronized.
 *
 * <p>A probe is one (address, port). It is sent at most {@code maxRetries + 1} times per round; silence after the
 * last send of a round ends it as filtered (TCP) or open|filtered (UDP), unless the scan has seen drops since the
 * round began (answers that came only to a retransmission: the path or the target lets only so many answers
 * through, as Linux's ICMP rate limits do). Then the silence proves nothing, and the probe gets another round, at
 * the slower pace the drops led to, up to {@value #MAX_ROUNDS} rounds in all.
 */
final class EngineRun implements ScanRun {
  static final int MAX_PROBES = 1 << 24;
  static final int MAX_ROUNDS = 4;
  static final int MAX_BANNERS = 32;
  private static final int BATCH = 256;
  private static final long PROGRESS_EVERY = 100_000_000L;
  private static final long FD_SAMPLE_EVERY = 1_000_000_000L;
  private static final long MAX_BACKOFF = 100_000_000L;
  private static final int MAX_RESOURCE_FAILS = 400;
  private static final AtomicInteger SEQUENCE = new AtomicInteger();
  private static final System.Logger LOG = System.getLogger(EngineRun.class.getName());

  private static final byte IDLE = 0;
  private static final byte TIMED = 1;
  private static final byte QUEUED = 2;
  private static final byte DONE = 3;

  /** What an I/O error means for a probe. */
  enum Fault { REFUSED, HOST_UNREACH, NET_UNREACH, TIMED_OUT, RESOURCE, ERROR }

  /** One (address, port) being probed; linked into the timer list while it waits for an answer. */
  static final class Probe {
    final int index;
    final int addr;
    final int port;
    int tries;
    int round;
    int resourceFails;
    long sent;
    long firstSent;
    long dropMark;
    byte phase;
    SelectableChannel channel;
    SelectionKey key;
    Probe prev;
    Probe next;

    Probe(int index, int addr, int port) {
      this.index = index;
      this.addr = addr;
      this.port = port;
    }
  }

  private record BannerDone(int index, Banner banner) {
  }

  private final ScanPlan plan;
  private final ScanListener listener;
  private final BannerGrabber grabber;
  private final UdpPayloads payloads;
  private final boolean tcp;
  private final Protocol proto;
  private final Preset preset;
  private final int maxRetries;
  private final CompletableFuture<ScanOutcome> outcome = new CompletableFuture<>();
  private volatile boolean cancelled;
  private volatile Selector selector;
  private volatile ScanStats stats = ScanStats.NONE;
  private final ConcurrentLinkedQueue<BannerDone> bannersDone = new ConcurrentLinkedQueue<>();

  // the targets, set up on the engine thread
  private InetAddress[] addrs;
  private StandardProtocolFamily[] families;
  private boolean[] local;
  private int[] ports;
  private int nAddr;
  private int nPorts;
  private int total;
  private PortResult[] results;
  private int[] payloadPorts;
  private ByteBuffer[] payloadBuffers;
  private ByteBuffer emptyPayload;
  private final ByteBuffer receiveBuffer = ByteBuffer.allocateDirect(2048);

  // the run's state
  private long startNanos;
  private int nextTarget;
  private int done;
  private Probe head;
  private Probe tail;
  private int outstanding;
  private int sockets;
  private final ArrayDeque<Probe> retries = new ArrayDeque<>();
  private Timing timing;
  private final FdBudget fds = new FdBudget();
  private int socketCap;
  private int resourceCap = Integer.MAX_VALUE;
  private long backoff;
  private long backoffUntil;
  private long lastFdSample;
  private long lastProgress;
  private int lastProgressDone = -1;
  private long probesSent;
  private long retransmits;
  private long resourceBackoffs;
  private long selfConnects;
  private int peakInFlight;
  private int peakSockets;
  private boolean listenerFailed;

  // banners
  private ExecutorService bannerExecutor;
  private final Map<Integer, PortResult> awaitingBanner = new HashMap<>();
  private final ArrayDeque<Integer> bannerBacklog = new ArrayDeque<>();
  private int bannersActive;

  EngineRun(ScanPlan plan, ScanListener listener, UdpPayloads payloads, BannerGrabber grabber) {
    this.plan = plan;
    this.listener = listener == null ? ScanListener.NONE : listener;
    this.payloads = payloads;
    this.grabber = grabber;
    this.proto = plan.proto();
    this.tcp = proto == Protocol.TCP;
    this.preset = plan.preset();
    this.maxRetries = Math.max(0, preset.maxRetries());
  }

  void start() {
    Thread.ofPlatform().daemon(true).name("portolan-scan-" + SEQUENCE.incrementAndGet()).start(this::run);
  }

  @Override
  public void cancel() {
    cancelled = true;
    Selector s = selector;
    if (s != null) {
      s.wakeup();
    }
  }

  @Override
  public CompletableFuture<ScanOutcome> outcome() {
    return outcome;
  }

  @Override
  public ScanStats stats() {
    return stats;
  }

  // ------------------------------------------------------------------------------------------------ the loop

  private void run() {
    startNanos = System.nanoTime();
    ScanOutcome.Status status = ScanOutcome.Status.COMPLETED;
    String error = null;
    try {
      if (plan.total() > MAX_PROBES) {
        throw new IllegalArgumentException("the scan has " + plan.total() + " probes (addresses x ports); at most "
            + MAX_PROBES);
      }
      selector = Selector.open();
      setUp();
      loop();
      if (cancelled && done < total) {
        status = ScanOutcome.Status.CANCELLED;
      }
    } catch (Throwable e) {
      status = ScanOutcome.Status.FAILED;
      error = e.getClass().getSimpleName() + ": " + e.getMessage();
      LOG.log(System.Logger.Level.WARNING, "scan failed", e);
    } finally {
      tearDown();
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
    long elapsed = (System.nanoTime() - startNanos) / 1000;
    outcome.complete(new ScanOutcome(status, Collections.unmodifiableList(list), probesSent, elapsed, error));
  }

  private void setUp() throws IOException {
    Set<InetAddress> unique = new LinkedHashSet<>(plan.addresses());
    addrs = unique.toArray(new InetAddress[0]);
    Arrays.sort(addrs, EngineRun::compareAddresses);
    nAddr = addrs.length;
    ports = plan.ports().toArray();
    nPorts = ports.length;
    total = nAddr * nPorts;
    results = new PortResult[total];
    families = new StandardProtocolFamily[nAddr];
    local = new boolean[nAddr];
    Set<InetAddress> localAddresses = localAddresses();
    for (int i = 0; i < nAddr; i++) {
      families[i] = addrs[i] instanceof Inet4Address ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6;
      local[i] = addrs[i].isLoopbackAddress() || addrs[i].isAnyLocalAddress() || localAddresses.contains(addrs[i]);
    }
    if (!tcp) {
      payloadPorts = payloads.ports();
      payloadBuffers = payloads.buffers();
      emptyPayload = ByteBuffer.allocateDirect(0);
    }
    long now = System.nanoTime();
    timing = new Timing(preset, plan.maxRate(), now);
    fds.sample(0);
    lastFdSample = now;
    updateSocketCap();
    if (tcp && plan.banners()) {
      bannerExecutor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("portolan-banner-", 0).factory());
    }
    lastProgress = now;
  }

  private void loop() throws IOException {
    Selector sel = selector;
    while (!cancelled) {
      long now = System.nanoTime();
      drainBanners();
      expire(now);
      housekeeping(now);
      if (done >= total) {
        return;
      }
      long wait = fill(System.nanoTime());
      if (cancelled) {
        return;
      }
      if (wait > 0) {
        now = System.nanoTime();
        if (head != null) {
          wait = Math.min(wait, head.sent + timing.timeoutNanos() - now);
        }
        if (done != lastProgressDone) {
          wait = Math.min(wait, lastProgress + PROGRESS_EVERY - now);
        }
        wait = Math.min(wait, FD_SAMPLE_EVERY);
      }
      if (wait <= 0) {
        sel.selectNow(this::onReady);
      } else {
        sel.select(this::onReady, Math.max(1, (wait + 999_999) / 1_000_000));
      }
    }
  }

  private void housekeeping(long now) {
    if (now - lastFdSample >= FD_SAMPLE_EVERY) {
      fds.sample(sockets + bannersActive);
      lastFdSample = now;
      updateSocketCap();
    }
    if (now - lastProgress >= PROGRESS_EVERY) {
      publishStats();
      progress(now, false);
    }
  }

  private void updateSocketCap() {
    long cap = preset.maxParallelism();
    if (plan.maxOpenSockets() > 0) {
      cap = Math.min(cap, plan.maxOpenSockets());
    }
    cap = Math.min(cap, fds.cap());
    cap = Math.min(cap, resourceCap);
    socketCap = (int) Math.max(1, cap);
    timing.ceiling(socketCap);
  }

  /**
   * Sends probes while the window, the sockets, the rate and the batch allow. Returns 0 to come straight back
   * (the batch is spent), else how long nothing can be sent for (Long.MAX_VALUE: until an answer or a timeout).
   */
  private long fill(long now) {
    for (int n = 0; n < BATCH; n++) {
      if (cancelled) {
        return 0;
      }
      Probe retry = retries.peekFirst();
      while (retry != null && retry.phase == DONE) {
        retries.pollFirst();
        retry = retries.peekFirst();
      }
      if (retry == null && nextTarget >= total) {
        return Long.MAX_VALUE;
      }
      if (backoffUntil - now > 0) {
        return backoffUntil - now;
      }
      if (outstanding >= timing.window()) {
        return Long.MAX_VALUE;
      }
      boolean needsSocket = tcp || retry == null || retry.channel == null;
      if (needsSocket && sockets + bannersActive >= socketCap) {
        // UDP probes waiting for their retransmission hold their socket: let one of them go first, or a queue
        // head that needs a new socket could wait for ever behind them
        retry = tcp ? null : queuedWithSocket();
        if (retry == null) {
          return Long.MAX_VALUE;
        }
        retries.remove(retry);
        retries.addFirst(retry);
      }
      if (!timing.take(now)) {
        return Math.max(1, timing.nanosUntilToken(now));
      }
      Probe p;
      if (retry != null) {
        p = retries.pollFirst();
        p.phase = IDLE;
      } else {
        int t = nextTarget++;
        int a = t % nAddr;
        int pi = t / nAddr;
        p = new Probe(a * nPorts + pi, a, ports[pi]);
        p.dropMark = timing.drops();
      }
      if (tcp) {
        sendTcp(p);
      } else {
        sendUdp(p);
      }
      now = System.nanoTime();
    }
    return 0;
  }

  private Probe queuedWithSocket() {
    for (Probe q : retries) {
      if (q.phase == QUEUED && q.channel != null) {
        return q;
      }
    }
    return null;
  }

  private void onReady(SelectionKey key) {
    Probe p = (Probe) key.attachment();
    if (p == null || p.phase == DONE || p.channel == null) {
      return;
    }
    long now = System.nanoTime();
    if (tcp) {
      if (p.phase != TIMED) {
        return;
      }
      SocketChannel ch = (SocketChannel) p.channel;
      try {
        if (ch.finishConnect()) {
          tcpConnected(p, ch, System.nanoTime());
        }
      } catch (IOException e) {
        tcpFailed(p, e, now);
      }
    } else {
      try {
        udpPoll(p, (DatagramChannel) p.channel);
      } catch (IOException e) {
        udpFailed(p, e, System.nanoTime());
      }
    }
  }

  /** Times out the probes whose timeout has passed, after a last look at their socket. */
  private void expire(long now) {
    long timeout = timing.timeoutNanos();
    Probe p;
    while ((p = head) != null && now - p.sent >= timeout) {
      if (!answeredMeanwhile(p)) {
        timedOut(p, now);
      }
    }
  }

  /** The answer may be there already, unseen because the thread was busy: check before calling it silence. */
  private boolean answeredMeanwhile(Probe p) {
    try {
      if (tcp) {
        SocketChannel ch = (SocketChannel) p.channel;
        if (ch.finishConnect()) {
          tcpConnected(p, ch, System.nanoTime());
          return true;
        }
        return false;
      }
      return udpPoll(p, (DatagramChannel) p.channel);
    } catch (IOException e) {
      if (tcp) {
        tcpFailed(p, e, System.nanoTime());
      } else {
        udpFailed(p, e, System.nanoTime());
      }
      return p.phase != TIMED;
    }
  }

  private void timedOut(Probe p, long now) {
    disarm(p);
    timing.onLoss(p.sent, now);
    if (p.tries <= maxRetries) {
      retransmits++;
      if (tcp) {
        closeChannel(p, false);
      }
      queue(p, false);
    } else if (timing.drops() > p.dropMark && p.round + 1 < MAX_ROUNDS) {
      // drops since this round began: the silence may be a dropped answer, not the port: one more round
      p.round++;
      p.tries = 0;
      p.dropMark = timing.drops();
      retransmits++;
      if (tcp) {
        closeChannel(p, false);
      }
      queue(p, false);
    } else {
      finish(p, tcp ? PortState.FILTERED : PortState.OPEN_FILTERED, "no-response", -1);
    }
  }

  // ------------------------------------------------------------------------------------------------ TCP

  private void sendTcp(Probe p) {
    SocketChannel ch;
    try {
      ch = SocketChannel.open(families[p.addr]);
    } catch (IOException | UnsupportedOperationException e) {
      openFailed(p, e);
      return;
    }
    holdSocket(p, ch);
    sent(p);
    try {
      ch.configureBlocking(false);
      boolean connected = ch.connect(new InetSocketAddress(addrs[p.addr], p.port));
      if (!connected && local[p.addr]) {
        // on loopback the handshake (or the RST) has usually happened inside connect() already
        connected = ch.finishConnect();
      }
      if (connected) {
        tcpConnected(p, ch, System.nanoTime());
        return;
      }
      p.key = ch.register(selector, SelectionKey.OP_CONNECT, p);
      arm(p);
    } catch (IOException e) {
      tcpFailed(p, e, System.nanoTime());
    }
  }

  private void tcpConnected(Probe p, SocketChannel ch, long now) {
    if (selfConnected(p, ch)) {
      // the kernel gave our socket the very port we probe (it is in the ephemeral range): TCP simultaneous open
      // connected the socket to itself. Nothing listens there; probe again from another local port.
      selfConnects++;
      disarm(p);
      closeChannel(p, true);
      unsend(p);
      queue(p, true);
      return;
    }
    answered(p, PortState.OPEN, "syn-ack", now);
  }

  private boolean selfConnected(Probe p, SocketChannel ch) {
    try {
      SocketAddress la = ch.getLocalAddress();
      return la instanceof InetSocketAddress isa && isa.getPort() == p.port
          && isa.getAddress().equals(addrs[p.addr]);
    } catch (IOException e) {
      return false;
    }
  }

  private void tcpFailed(Probe p, IOException e, long now) {
    switch (fault(e)) {
      case REFUSED -> answered(p, PortState.CLOSED, "conn-refused", now);
      case HOST_UNREACH -> answered(p, PortState.FILTERED, "host-unreach", now);
      case NET_UNREACH -> answered(p, PortState.FILTERED, "net-unreach", now);
      case TIMED_OUT -> {
        if (p.phase != TIMED) {
          arm(p);
        }
        timedOut(p, now);
      }
      case RESOURCE -> {
        disarm(p);
        closeChannel(p, false);
        unsend(p);
        resourceTrouble(p, e);
      }
      case ERROR -> error(p, e);
    }
  }

  // ------------------------------------------------------------------------------------------------ UDP

  private void sendUdp(Probe p) {
    DatagramChannel ch = (DatagramChannel) p.channel;
    if (ch == null) {
      try {
        ch = DatagramChannel.open(families[p.addr]);
      } catch (IOException | UnsupportedOperationException e) {
        openFailed(p, e);
        return;
      }
      holdSocket(p, ch);
      try {
        ch.configureBlocking(false);
        ch.connect(new InetSocketAddress(addrs[p.addr], p.port));
      } catch (IOException e) {
        // a UDP connect sends nothing: it only looks up the route (and picks a local port)
        Fault f = fault(e);
        if (f == Fault.RESOURCE) {
          closeChannel(p, false);
          resourceTrouble(p, e);
        } else if (f == Fault.NET_UNREACH || f == Fault.HOST_UNREACH) {
          finish(p, PortState.FILTERED, f == Fault.NET_UNREACH ? "net-unreach" : "host-unreach", -1);
        } else {
          error(p, e);
        }
        return;
      }
    }
    ByteBuffer payload = payload(p.port);
    payload.rewind();
    sent(p);
    try {
      ch.write(payload);
      // on loopback the ICMP port unreachable (or the reply) has usually arrived by now
      if (local[p.addr] && udpPoll(p, ch)) {
        return;
      }
      if (p.key == null) {
        p.key = ch.register(selector, SelectionKey.OP_READ, p);
      }
      arm(p);
    } catch (IOException e) {
      udpFailed(p, e, System.nanoTime());
    }
  }

  /** Reads what came; true when it answered the probe (a datagram: open; an error is thrown). */
  private boolean udpPoll(Probe p, DatagramChannel ch) throws IOException {
    SocketAddress from = ch.receive(receiveBuffer.clear());
    if (from == null) {
      return false;
    }
    answered(p, PortState.OPEN, "udp-response", System.nanoTime());
    return true;
  }

  private void udpFailed(Probe p, IOException e, long now) {
    switch (fault(e)) {
      case REFUSED -> answered(p, PortState.CLOSED, "port-unreach", now);
      case HOST_UNREACH -> answered(p, PortState.FILTERED, "host-unreach", now);
      case NET_UNREACH -> answered(p, PortState.FILTERED, "net-unreach", now);
      case TIMED_OUT -> {
        if (p.phase != TIMED) {
          arm(p);
        }
        timedOut(p, now);
      }
      case RESOURCE -> {
        disarm(p);
        closeChannel(p, false);
        unsend(p);
        resourceTrouble(p, e);
      }
      case ERROR -> error(p, e);
    }
  }

  private ByteBuffer payload(int port) {
    int i = Arrays.binarySearch(payloadPorts, port);
    return i >= 0 ? payloadBuffers[i] : emptyPayload;
  }

  // ------------------------------------------------------------------------------------------------ bookkeeping

  private void holdSocket(Probe p, SelectableChannel ch) {
    p.channel = ch;
    p.key = null;
    sockets++;
    if (sockets + bannersActive > peakSockets) {
      peakSockets = sockets + bannersActive;
    }
    backoff = 0;
  }

  private void sent(Probe p) {
    p.tries++;
    probesSent++;
    p.sent = System.nanoTime();
    if (p.firstSent == 0) {
      p.firstSent = p.sent;
    }
  }

  /** Takes back a send that never left (the socket could not be opened or connected for want of resources). */
  private void unsend(Probe p) {
    p.tries--;
    probesSent--;
  }

  private void arm(Probe p) {
    p.phase = TIMED;
    p.prev = tail;
    p.next = null;
    if (tail == null) {
      head = p;
    } else {
      tail.next = p;
    }
    tail = p;
    if (++outstanding > peakInFlight) {
      peakInFlight = outstanding;
    }
  }

  private void disarm(Probe p) {
    if (p.phase != TIMED) {
      return;
    }
    if (p.prev == null) {
      head = p.next;
    } else {
      p.prev.next = p.next;
    }
    if (p.next == null) {
      tail = p.prev;
    } else {
      p.next.prev = p.prev;
    }
    p.prev = null;
    p.next = null;
    p.phase = IDLE;
    outstanding--;
  }

  private void queue(Probe p, boolean first) {
    p.phase = QUEUED;
    if (first) {
      retries.addFirst(p);
    } else {
      retries.addLast(p);
    }
  }

  private void closeChannel(Probe p, boolean reset) {
    SelectableChannel ch = p.channel;
    if (ch == null) {
      return;
    }
    p.channel = null;
    p.key = null;
    sockets--;
    try {
      if (reset) {
        // SO_LINGER 0: close sends RST, so the connection leaves no TIME_WAIT behind (nor a half-open peer)
        ((SocketChannel) ch).setOption(StandardSocketOptions.SO_LINGER, 0);
      }
    } catch (IOException | RuntimeException ignored) {
      // closing anyway
    }
    try {
      ch.close();
    } catch (IOException ignored) {
      // nothing to do
    }
  }

  private void answered(Probe p, PortState state, String reason, long now) {
    disarm(p);
    long rtt = Math.max(0, now - p.sent);
    boolean afterRetransmit = p.tries > 1 || p.round > 0;
    // Karn: a UDP answer after a retransmission on the same socket could belong to either send. And "network is
    // unreachable" comes from the local routing table, not from the network: no round trip to learn from.
    if ((tcp || !afterRetransmit) && !"net-unreach".equals(reason)) {
      timing.rttSample(rtt);
    }
    if (afterRetransmit) {
      timing.onDrop(p.firstSent, now);
    }
    timing.onAnswer(now, afterRetransmit);
    if (resourceCap != Integer.MAX_VALUE) {
      resourceCap++;
      if (resourceCap > preset.maxParallelism()) {
        resourceCap = Integer.MAX_VALUE;
      }
      updateSocketCap();
    }
    finish(p, state, reason, rtt / 1000);
  }

  private void error(Probe p, IOException e) {
    LOG.log(System.Logger.Level.DEBUG, () -> "probe of " + addrs[p.addr].getHostAddress() + " port " + p.port
        + " failed: " + e);
    finish(p, PortState.FILTERED, "error", -1);
  }

  private void finish(Probe p, PortState state, String reason, long rttMicros) {
    disarm(p);
    closeChannel(p, tcp && state == PortState.OPEN);
    p.phase = DONE;
    PortResult r = new PortResult(addrs[p.addr], p.port, proto, state, rttMicros, reason, null);
    if (bannerExecutor != null && state == PortState.OPEN) {
      awaitingBanner.put(p.index, r);
      bannerBacklog.add(p.index);
      startBanners();
    } else {
      emit(p.index, r);
    }
  }

  private void emit(int index, PortResult r) {
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
      LOG.log(System.Logger.Level.WARNING, "scan listener threw; the scan goes on", t);
    }
  }

  /** Out of file descriptors (EMFILE), buffers or local ports: fewer sockets at once, wait a moment, try again. */
  private void resourceTrouble(Probe p, Throwable e) {
    resourceBackoffs++;
    long now = System.nanoTime();
    p.resourceFails++;
    if (p.resourceFails > MAX_RESOURCE_FAILS) {
      LOG.log(System.Logger.Level.WARNING, () -> "giving up on " + addrs[p.addr].getHostAddress() + " port "
          + p.port + " after " + MAX_RESOURCE_FAILS + " tries to get a socket: " + e);
      finish(p, tcp ? PortState.FILTERED : PortState.OPEN_FILTERED, "error", -1);
      return;
    }
    resourceCap = Math.max(1, (sockets + bannersActive) / 2);
    timing.onLoss(now, now);
    backoff = backoff == 0 ? 1_000_000L : Math.min(backoff * 2, MAX_BACKOFF);
    backoffUntil = now + backoff;
    if (now - lastFdSample > 50_000_000L) {
      fds.sample(sockets + bannersActive);
      lastFdSample = now;
    }
    updateSocketCap();
    queue(p, true);
  }

  private void openFailed(Probe p, Exception e) {
    if (e instanceof IOException io && fault(io) != Fault.RESOURCE && fault(io) != Fault.ERROR) {
      finish(p, PortState.FILTERED, "error", -1);
    } else if (e instanceof UnsupportedOperationException
        || e instanceof IOException io2 && String.valueOf(io2.getMessage()).toLowerCase(Locale.ROOT)
            .contains("not supported")) {
      // e.g. IPv6 disabled: no socket of that family can ever be opened
      LOG.log(System.Logger.Level.DEBUG, () -> "cannot open a socket for " + addrs[p.addr] + ": " + e);
      finish(p, PortState.FILTERED, "error", -1);
    } else {
      resourceTrouble(p, e);
    }
  }

  static Fault fault(IOException e) {
    if (e instanceof PortUnreachableException) {
      return Fault.REFUSED;
    }
    if (e instanceof NoRouteToHostException) {
      return Fault.HOST_UNREACH;
    }
    String m = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
    if (e instanceof ConnectException) {
      return m.contains("timed out") ? Fault.TIMED_OUT : Fault.REFUSED;
    }
    if (m.contains("network is unreachable")) {
      return Fault.NET_UNREACH;
    }
    if (m.contains("no route to host") || m.contains("host is unreachable")) {
      return Fault.HOST_UNREACH;
    }
    if (m.contains("connection refused")) {
      return Fault.REFUSED;
    }
    if (m.contains("too many open files") || m.contains("no buffer space") || m.contains("cannot assign requested")
        || m.contains("cannot allocate memory") || m.contains("resource temporarily unavailable")) {
      return Fault.RESOURCE;
    }
    if (e instanceof SocketException && m.contains("timed out")) {
      return Fault.TIMED_OUT;
    }
    return Fault.ERROR;
  }

  // ------------------------------------------------------------------------------------------------ banners

  private void startBanners() {
    Duration timeout = preset.bannerTimeout();
    while (!bannerBacklog.isEmpty() && bannersActive < MAX_BANNERS
        && (bannersActive == 0 || sockets + bannersActive < socketCap)) {
      int index = bannerBacklog.poll();
      PortResult r = awaitingBanner.get(index);
      if (r == null) {
        continue;
      }
      bannersActive++;
      if (sockets + bannersActive > peakSockets) {
        peakSockets = sockets + bannersActive;
      }
      Selector sel = selector;
      bannerExecutor.execute(() -> {
        Banner b = null;
        try {
          b = grabber.grab(r.address(), r.port(), timeout);
        } catch (Throwable t) {
          LOG.log(System.Logger.Level.DEBUG, () -> "banner grab threw: " + t);
        }
        bannersDone.add(new BannerDone(index, b));
        sel.wakeup();
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
    if (any || !bannerBacklog.isEmpty()) {
      startBanners();
    }
  }

  // ------------------------------------------------------------------------------------------------ the end

  private void tearDown() {
    for (Probe p = head; p != null; p = p.next) {
      closeChannel(p, false);
    }
    head = null;
    tail = null;
    outstanding = 0;
    for (Probe p : retries) {
      closeChannel(p, false);
    }
    retries.clear();
    if (!awaitingBanner.isEmpty()) {
      // cancelled while grabbing banners: the ports are known open, report them without their banner
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
    Selector sel = selector;
    if (sel != null) {
      try {
        // deregisters every key, which closes the channels closed above for good
        sel.close();
      } catch (IOException ignored) {
        // nothing to do
      }
    }
  }

  private void publishStats() {
    if (timing == null) {
      return;
    }
    stats = new ScanStats(probesSent, outstanding, peakInFlight, peakSockets, timing.window(), socketCap,
        timing.timeoutNanos() / 1000, retransmits, timing.drops(), timing.pace(), resourceBackoffs);
  }

  long selfConnects() {
    return selfConnects;
  }

  // ------------------------------------------------------------------------------------------------ addresses

  /** IPv4 before IPv6, then by the address's bytes, unsigned. */
  static int compareAddresses(InetAddress a, InetAddress b) {
    byte[] x = a.getAddress();
    byte[] y = b.getAddress();
    if (x.length != y.length) {
      return Integer.compare(x.length, y.length);
    }
    return Arrays.compareUnsigned(x, y);
  }

  private static volatile Set<InetAddress> localCache;
  private static volatile long localCacheAt;

  /** This host's addresses (cached for 10 s): probes to them answer inside the send, as on loopback. */
  private static Set<InetAddress> localAddresses() {
    long now = System.nanoTime();
    Set<InetAddress> cached = localCache;
    if (cached != null && now - localCacheAt < 10_000_000_000L) {
      return cached;
    }
    Set<InetAddress> set = new HashSet<>();
    try {
      NetworkInterface.networkInterfaces().forEach(ni -> ni.inetAddresses().forEach(set::add));
    } catch (SocketException | RuntimeException e) {
      // no interfaces to read: only loopback counts as local
    }
    localCache = set;
    localCacheAt = now;
    return set;
  }
}
