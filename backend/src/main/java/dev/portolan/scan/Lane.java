package dev.portolan.scan;

import dev.portolan.scan.banner.UdpPayloads;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.Locale;

/**
 * The probing machinery of a scan: one thread, one {@link Selector}, its own {@link Timing}, and
 * every {@code stride}-th target of the plan starting at its {@code index}. Most scans have one
 * lane, run on the scan's thread; a large scan of this host's own addresses gets more (see {@link
 * EngineRun}), because there each probe costs CPU rather than waiting: the kernel handles the whole
 * handshake (or the RST, or the ICMP) inside the send.
 *
 * <p>A probe is one (address, port). It is sent at most {@code maxRetries + 1} times per round;
 * silence after the last send of a round ends it as filtered (TCP) or open|filtered (UDP), unless
 * the lane has seen drops (answers that came only to a retransmission: the path or the target lets
 * only so many answers through, as Linux's ICMP rate limits do). Then the silence proves nothing. A
 * TCP probe gets another round at once if drops came since its round began. A UDP probe is parked
 * until the sweep is over and nothing is in flight, and then gets a round at half the pace ({@link
 * #confirm}); it is open|filtered only after a round without drops, or after {@value #MAX_ROUNDS}
 * rounds in all. (A drop shows only when another probe's retransmission is answered, which can be
 * long after the dropped answer, so a UDP port's silence is not decided during the sweep while
 * answers are being dropped.)
 *
 * <p>Measurements: backend/docs/measurements.md#lane
 */
final class Lane {
  static final int MAX_ROUNDS = 4;
  private static final int BATCH = 256;
  private static final long PUBLISH_EVERY = 100_000_000L;
  private static final long MAX_BACKOFF = 100_000_000L;
  private static final int MAX_RESOURCE_FAILS = 400;
  private static final System.Logger LOG = System.getLogger(Lane.class.getName());

  private static final byte IDLE = 0;
  private static final byte TIMED = 1;
  private static final byte QUEUED = 2;
  private static final byte DONE = 3;

  /** What an I/O error means for a probe. */
  enum Fault {
    REFUSED,
    HOST_UNREACH,
    NET_UNREACH,
    TIMED_OUT,
    RESOURCE,
    ERROR
  }

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

    /**
     * Probe through a SocketChannel even on a local address (a direct probe found no answer yet).
     */
    boolean viaChannel;

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

  private final EngineRun run;
  private final Targets targets;
  final int index;
  private final int stride;
  private final boolean tcp;
  private final int maxRetries;
  private final Preset preset;
  final Selector selector;
  private final Timing timing;
  private final ByteBuffer receiveBuffer;
  private final ByteBuffer[] payloads;
  private final ByteBuffer neutralPayload = UdpPayloads.direct(UdpPayloads.neutral());
  private final NativeTcp.Session nativeTcp;

  private int nextTarget;
  private int assigned;
  private int finished;
  private Probe head;
  private Probe tail;
  private int outstanding;
  private int sockets;
  private final ArrayDeque<Probe> retries = new ArrayDeque<>();
  private final ArrayDeque<Probe> parked = new ArrayDeque<>();
  private boolean confirming;
  private volatile int cap;
  private int resourceCap = Integer.MAX_VALUE;
  private int socketCap;
  private long backoff;
  private long backoffUntil;
  private long lastPublish;

  // counters, published for the scan's stats
  private long probesSent;
  private long retransmits;
  private long resourceBackoffs;
  private long selfConnects;
  private int peakInFlight;
  private int peakSockets;
  private volatile LaneStats published = LaneStats.ZERO;
  private final java.util.function.Consumer<SelectionKey> onReady = this::onReady;

  record LaneStats(
      long probesSent,
      int inFlight,
      int peakInFlight,
      int sockets,
      int peakSockets,
      int window,
      int socketCap,
      long timeoutMicros,
      long retransmits,
      long drops,
      double pace,
      long resourceBackoffs,
      long selfConnects) {
    static final LaneStats ZERO = new LaneStats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
  }

  Lane(
      EngineRun run,
      Targets targets,
      int index,
      int stride,
      int cap,
      double rateCap,
      boolean direct,
      long now)
      throws IOException {
    this.run = run;
    this.targets = targets;
    this.index = index;
    this.stride = stride;
    this.tcp = targets.tcp;
    this.preset = targets.preset;
    this.maxRetries = Math.max(0, preset.maxRetries());
    this.nextTarget = index;
    this.assigned = targets.total <= index ? 0 : (targets.total - index + stride - 1) / stride;
    this.timing = new Timing(preset, rateCap, tcp, now);
    this.receiveBuffer = tcp ? null : ByteBuffer.allocateDirect(2048);
    this.payloads = new ByteBuffer[targets.payloadBuffers.length];
    for (int i = 0; i < payloads.length; i++) {
      payloads[i] = targets.payloadBuffers[i].duplicate();
    }
    this.cap = Math.max(1, cap);
    NativeTcp n = direct && tcp && targets.anyLocal ? NativeTcp.get() : null;
    this.nativeTcp = n == null ? null : n.session();
    this.selector = Selector.open();
    updateSocketCap();
    this.lastPublish = now;
  }

  /**
   * The coordinator's cap on this lane's sockets (from the plan, the preset and the file-descriptor
   * budget).
   */
  void cap(int cap) {
    this.cap = Math.max(1, cap);
  }

  /**
   * The lane's counters as last published (every 100 ms and at the end; read by the coordinator's
   * thread).
   */
  LaneStats stats() {
    return published;
  }

  boolean finished() {
    return finished >= assigned;
  }

  /**
   * Runs the lane until its targets are done (lane 0: until the whole scan is done) or the scan
   * stops. Lane 0 runs on the scan's own thread and does the coordinator's work between selects.
   */
  void loop() throws IOException {
    Selector sel = selector;
    while (!run.stopping()) {
      long now = System.nanoTime();
      expire(now);
      long wait = Long.MAX_VALUE;
      if (index == 0) {
        wait = run.coordinate(now);
        if (run.allDone()) {
          return;
        }
      } else if (finished()) {
        return;
      }
      if (now - lastPublish >= PUBLISH_EVERY) {
        publish();
        updateSocketCap();
      }
      long fillWait = fill(System.nanoTime());
      if (run.stopping()) {
        return;
      }
      wait = Math.min(wait, fillWait);
      if (wait > 0) {
        now = System.nanoTime();
        if (head != null) {
          wait = Math.min(wait, head.sent + timing.timeoutNanos() - now);
        }
        wait = Math.min(wait, lastPublish + PUBLISH_EVERY - now);
      }
      if (wait <= 0) {
        sel.selectNow(onReady);
      } else {
        sel.select(onReady, Math.max(1, (wait + 999_999) / 1_000_000));
      }
    }
  }

  /** Sockets this lane holds: its probes' channels and the socket its direct probes keep. */
  private int sockets() {
    return nativeTcp == null ? sockets : sockets + nativeTcp.held();
  }

  private void updateSocketCap() {
    socketCap = (int) Math.max(1, Math.min(cap, resourceCap));
    timing.ceiling(socketCap);
  }

  /**
   * Sends probes while the window, the sockets, the rate and the batch allow. Returns 0 to come
   * straight back (the batch is spent), else how long nothing can be sent for (Long.MAX_VALUE:
   * until an answer or a timeout).
   */
  private long fill(long now) {
    for (int n = 0; n < BATCH; n++) {
      Probe retry = retries.peekFirst();
      while (retry != null && retry.phase == DONE) {
        retries.pollFirst();
        retry = retries.peekFirst();
      }
      if (retry == null && nextTarget >= targets.total) {
        if (parked.isEmpty() || outstanding > 0) {
          return Long.MAX_VALUE;
        }
        confirm(now);
        continue;
      }
      if (backoffUntil - now > 0) {
        return backoffUntil - now;
      }
      if (outstanding >= timing.window()) {
        return Long.MAX_VALUE;
      }
      boolean needsSocket;
      if (tcp) {
        // a direct probe reuses the socket its session keeps, when it has one for the family
        int a = retry != null ? retry.addr : nextTarget % targets.nAddr;
        boolean direct =
            nativeTcp != null && targets.local[a] && (retry == null || !retry.viaChannel);
        needsSocket = !(direct && nativeTcp.holds(targets.raw[a].length));
      } else {
        needsSocket = retry == null || retry.channel == null;
      }
      if (needsSocket && sockets() >= socketCap) {
        // UDP probes waiting for their retransmission hold their socket: let one of them go first,
        // or a queue
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
        int t = nextTarget;
        nextTarget += stride;
        int a = t % targets.nAddr;
        int pi = t / targets.nAddr;
        p = new Probe(a * targets.nPorts + pi, a, targets.ports[pi]);
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
        tcpFailed(p, e, System.nanoTime());
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

  /**
   * The answer may be there already, unseen because the thread was busy: check before calling it
   * silence.
   */
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
      return true;
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
      return;
    }
    // silent through a round. If drops have been seen, the silence may be dropped answers, not the
    // port.
    boolean another = p.round + 1 < MAX_ROUNDS;
    if (!tcp && another && (confirming ? timing.drops() > p.dropMark : timing.drops() > 0)) {
      // UDP: the ICMP port unreachables of closed ports are rate-limited, and a drop only shows
      // when some other
      // probe's retransmission is answered, which may come after this round is over. So do not
      // decide now: ask
      // again once the sweep is over and the limiter has had a quiet moment, slower (see
      // confirm()).
      closeChannel(p, false);
      p.phase = QUEUED;
      parked.add(p);
    } else if (tcp && another && timing.drops() > p.dropMark) {
      // TCP: drops since this round began: one more round, at the pace the drops led to
      p.round++;
      p.tries = 0;
      p.dropMark = timing.drops();
      retransmits++;
      closeChannel(p, false);
      queue(p, false);
    } else {
      finish(p, tcp ? PortState.FILTERED : PortState.OPEN_FILTERED, "no-response", -1);
    }
  }

  /**
   * The sweep is over and nothing is in flight: the UDP ports parked as silent while drops were
   * being seen get a round of their own, at half the pace. A port silent again through a round in
   * which no drops were seen is open|filtered; drops in it park it for one more, up to {@value
   * #MAX_ROUNDS} rounds in all.
   */
  private void confirm(long now) {
    confirming = true;
    timing.slowDown(now);
    Probe p;
    while ((p = parked.poll()) != null) {
      p.round++;
      p.tries = 0;
      p.dropMark = timing.drops();
      retransmits++;
      queue(p, false);
    }
  }

  // ------------------------------------------------------------------------------------------------ TCP

  private void sendTcp(Probe p) {
    if (nativeTcp != null && targets.local[p.addr] && !p.viaChannel) {
      sendTcpDirect(p);
      return;
    }
    SocketChannel ch;
    try {
      ch = SocketChannel.open(targets.families[p.addr]);
    } catch (IOException | UnsupportedOperationException e) {
      openFailed(p, e);
      return;
    }
    holdSocket(p, ch);
    sent(p);
    try {
      ch.configureBlocking(false);
      boolean connected = ch.connect(new InetSocketAddress(targets.addrs[p.addr], p.port));
      if (!connected && targets.local[p.addr]) {
        // on this host's addresses the handshake (or the RST) has usually happened inside connect()
        // already
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

  /**
   * A local address: the answer comes inside connect(), so ask for it at once, by direct system
   * calls.
   */
  private void sendTcpDirect(Probe p) {
    if (sockets() + (nativeTcp.holds(targets.raw[p.addr].length) ? 0 : 1) > peakSockets) {
      peakSockets = sockets() + (nativeTcp.holds(targets.raw[p.addr].length) ? 0 : 1);
    }
    sent(p);
    int r = nativeTcp.probe(targets.raw[p.addr], targets.scopes[p.addr], p.port);
    long now = System.nanoTime();
    switch (r) {
      case NativeTcp.OPEN -> answered(p, PortState.OPEN, "syn-ack", now);
      case NativeTcp.ECONNREFUSED -> answered(p, PortState.CLOSED, "conn-refused", now);
      case NativeTcp.SELF -> {
        selfConnects++;
        unsend(p);
        queue(p, true);
      }
      case NativeTcp.PENDING -> {
        // no answer inside connect(): wait for it on the selector like any other probe
        unsend(p);
        p.viaChannel = true;
        sendTcp(p);
      }
      case NativeTcp.EHOSTUNREACH -> answered(p, PortState.FILTERED, "host-unreach", now);
      case NativeTcp.ENETUNREACH -> answered(p, PortState.FILTERED, "net-unreach", now);
      case NativeTcp.ETIMEDOUT -> {
        arm(p);
        timedOut(p, now);
      }
      case NativeTcp.EMFILE,
          NativeTcp.ENFILE,
          NativeTcp.ENOBUFS,
          NativeTcp.ENOMEM,
          NativeTcp.EADDRNOTAVAIL,
          NativeTcp.EAGAIN -> {
        unsend(p);
        resourceTrouble(p, new java.io.IOException("errno " + r));
      }
      default -> error(p, new java.io.IOException("errno " + r));
    }
    if (r != NativeTcp.EMFILE && r != NativeTcp.ENFILE) {
      backoff = 0;
    }
  }

  private void tcpConnected(Probe p, SocketChannel ch, long now) {
    if (selfConnected(p, ch)) {
      // the kernel gave our socket the very port we probe (it is in the ephemeral range): TCP
      // simultaneous open
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
      return la instanceof InetSocketAddress isa
          && isa.getPort() == p.port
          && isa.getAddress().equals(targets.addrs[p.addr]);
    } catch (IOException e) {
      return false;
    }
  }

  private void tcpFailed(Probe p, IOException e, long now) {
    failed(p, e, now, "conn-refused");
  }

  private void udpFailed(Probe p, IOException e, long now) {
    failed(p, e, now, "port-unreach");
  }

  /**
   * A probe's socket reported {@code e}: refused means closed ({@code refusedReason}), unreachable
   * filtered.
   */
  private void failed(Probe p, IOException e, long now, String refusedReason) {
    switch (fault(e)) {
      case REFUSED -> answered(p, PortState.CLOSED, refusedReason, now);
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
        ch = DatagramChannel.open(targets.families[p.addr]);
      } catch (IOException | UnsupportedOperationException e) {
        openFailed(p, e);
        return;
      }
      holdSocket(p, ch);
      try {
        ch.configureBlocking(false);
        ch.connect(new InetSocketAddress(targets.addrs[p.addr], p.port));
      } catch (IOException e) {
        // a UDP connect sends nothing: it only looks up the route (and picks a local port)
        Fault f = fault(e);
        if (f == Fault.RESOURCE) {
          closeChannel(p, false);
          resourceTrouble(p, e);
        } else if (f == Fault.NET_UNREACH || f == Fault.HOST_UNREACH) {
          finish(
              p, PortState.FILTERED, f == Fault.NET_UNREACH ? "net-unreach" : "host-unreach", -1);
        } else {
          error(p, e);
        }
        return;
      }
    }
    int pi = java.util.Arrays.binarySearch(targets.payloadPorts, p.port);
    ByteBuffer payload = pi >= 0 ? payloads[pi] : neutralPayload;
    payload.rewind();
    sent(p);
    try {
      ch.write(payload);
      // on this host's addresses the ICMP port unreachable (or the reply) has usually arrived by
      // now
      if (targets.local[p.addr] && udpPoll(p, ch)) {
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

  // ------------------------------------------------------------------------------------------------ bookkeeping

  private void holdSocket(Probe p, SelectableChannel ch) {
    p.channel = ch;
    p.key = null;
    sockets++;
    if (sockets() > peakSockets) {
      peakSockets = sockets();
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

  /**
   * Takes back a send that never left (the socket could not be opened or connected for want of
   * resources).
   */
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
    if (reset) {
      try {
        // SO_LINGER 0: close sends RST, so the connection leaves no TIME_WAIT behind (nor a
        // half-open peer)
        ((SocketChannel) ch).setOption(StandardSocketOptions.SO_LINGER, 0);
      } catch (IOException | RuntimeException ignored) {
        // closing anyway
      }
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
    // Karn: a UDP answer after a retransmission on the same socket could belong to either send. And
    // "network is
    // unreachable" comes from the local routing table, not from the network: no round trip to learn
    // from.
    if ((tcp || !afterRetransmit) && !"net-unreach".equals(reason)) {
      timing.rttSample(rtt);
    }
    if (afterRetransmit) {
      timing.onDrop(p.firstSent, now);
    }
    timing.onAnswer(now);
    if (resourceCap != Integer.MAX_VALUE) {
      // recovering from EMFILE: one more socket per answer, until the cap is back where it was
      resourceCap++;
      if (resourceCap >= cap) {
        resourceCap = Integer.MAX_VALUE;
      }
      updateSocketCap();
    }
    finish(p, state, reason, rtt / 1000);
  }

  private void error(Probe p, IOException e) {
    LOG.log(
        System.Logger.Level.DEBUG,
        () ->
            "probe of "
                + targets.addrs[p.addr].getHostAddress()
                + " port "
                + p.port
                + " failed: "
                + e);
    finish(p, PortState.FILTERED, "error", -1);
  }

  private void finish(Probe p, PortState state, String reason, long rttMicros) {
    disarm(p);
    closeChannel(p, tcp && state == PortState.OPEN);
    p.phase = DONE;
    finished++;
    run.report(
        this,
        p.index,
        new PortResult(
            targets.addrs[p.addr], p.port, targets.proto, state, rttMicros, reason, null));
  }

  /**
   * Out of file descriptors (EMFILE), buffers or local ports: fewer sockets at once, wait a moment,
   * try again.
   */
  private void resourceTrouble(Probe p, Throwable e) {
    resourceBackoffs++;
    long now = System.nanoTime();
    p.resourceFails++;
    if (p.resourceFails > MAX_RESOURCE_FAILS) {
      LOG.log(
          System.Logger.Level.WARNING,
          () ->
              "giving up on "
                  + targets.addrs[p.addr].getHostAddress()
                  + " port "
                  + p.port
                  + " after "
                  + MAX_RESOURCE_FAILS
                  + " tries to get a socket: "
                  + e);
      finish(p, tcp ? PortState.FILTERED : PortState.OPEN_FILTERED, "error", -1);
      return;
    }
    resourceCap = Math.max(1, sockets() / 2);
    updateSocketCap();
    timing.onLoss(now, now);
    backoff = backoff == 0 ? 1_000_000L : Math.min(backoff * 2, MAX_BACKOFF);
    backoffUntil = now + backoff;
    run.resourceTrouble();
    queue(p, true);
  }

  private void openFailed(Probe p, Exception e) {
    Fault f = e instanceof IOException io ? fault(io) : Fault.ERROR;
    if (f == Fault.RESOURCE) {
      resourceTrouble(p, e);
    } else {
      // e.g. IPv6 disabled: no socket of that family can be opened, now or later
      LOG.log(
          System.Logger.Level.DEBUG,
          () -> "cannot open a socket for " + targets.addrs[p.addr].getHostAddress() + ": " + e);
      finish(p, PortState.FILTERED, "error", -1);
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
    if (m.contains("too many open files")
        || m.contains("no buffer space")
        || m.contains("cannot assign requested")
        || m.contains("cannot allocate memory")
        || m.contains("resource temporarily unavailable")) {
      return Fault.RESOURCE;
    }
    if (e instanceof SocketException && m.contains("timed out")) {
      return Fault.TIMED_OUT;
    }
    return Fault.ERROR;
  }

  // ------------------------------------------------------------------------------------------------ the end

  void publish() {
    lastPublish = System.nanoTime();
    published =
        new LaneStats(
            probesSent,
            outstanding,
            peakInFlight,
            sockets(),
            peakSockets,
            timing.window(),
            socketCap,
            timing.timeoutNanos() / 1000,
            retransmits,
            timing.drops(),
            timing.pace(),
            resourceBackoffs,
            selfConnects);
  }

  /** Closes every socket and the selector (on the lane's thread, when its loop is over). */
  void tearDown() {
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
    if (nativeTcp != null) {
      nativeTcp.close();
    }
    try {
      // deregisters every key, which closes the channels closed above for good
      selector.close();
    } catch (IOException ignored) {
      // nothing to do
    }
    publish();
  }
}
