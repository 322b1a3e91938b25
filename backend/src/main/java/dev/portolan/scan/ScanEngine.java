package dev.portolan.scan;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * Runs scans: TCP connect and UDP, non-blocking, with adaptive timing; no root needed. Each {@link #start} runs its
 * plan on a thread of its own ({@code portolan-scan-N}, a daemon) driving one {@link java.nio.channels.Selector},
 * and returns at once.
 *
 * <p><b>TCP</b>: a non-blocking connect per address and port. The handshake completing is {@code open}
 * ({@code syn-ack}; the socket is then closed with SO_LINGER 0, a RST, so no TIME_WAIT is left); a refusal is
 * {@code closed} ({@code conn-refused}); an ICMP host or network unreachable is {@code filtered}
 * ({@code host-unreach}, {@code net-unreach}); silence through the retransmissions (each on a new socket) is
 * {@code filtered} ({@code no-response}). On this host's own addresses the answer usually arrives inside
 * {@code connect()}, so the engine asks for it straight away instead of through the selector. A connect that the
 * kernel gives the very port it probes (a self-connect, possible for ports in the ephemeral range) is not taken
 * for a listener: the probe is sent again.
 *
 * <p><b>UDP</b>: one connected datagram channel per probe, carrying the port's {@link UdpPayloads payload}. A
 * reply is {@code open} ({@code udp-response}); an ICMP port unreachable, which a connected socket reports as
 * ECONNREFUSED ({@link java.net.PortUnreachableException}) on the next read, is {@code closed}
 * ({@code port-unreach}); silence through the retransmissions (on the same socket) is {@code open|filtered}.
 *
 * <p><b>ICMP rate limits (Linux), measured on kernel 6.18</b>: closed UDP ports are known only by their ICMP port
 * unreachables, and Linux limits those. (1) {@code net.ipv4.icmp_msgs_per_sec} (1000) with
 * {@code icmp_msgs_burst} (50) is a per-network-namespace token bucket for all ICMP errors of the types in
 * {@code icmp_ratemask} (destination unreachable is one); each message costs a random 0 to 2 tokens. Through a veth
 * pair, 5000 probes sent at once drew 111 unreachables; paced, 1000/s all passed and 1200/s drew 1011/s. (2)
 * {@code net.ipv4.icmp_ratelimit} (1000 ms, burst 6) limits the unreachables to each destination: a remote Linux
 * host answers about one closed port per second (5000 probes at once drew 6). (3) Neither applies on loopback:
 * the kernel skips the global check when the packet that caused the error came in on the loopback device, and the
 * per-destination check when the error goes out on it. 5000 probes to closed ports of 127.0.0.1 (or ::1) in 29 ms
 * drew 5000 unreachables, no drops counted ({@code nstat IcmpOutRateLimitGlobal}/{@code Host} 0); this includes
 * the host's own non-loopback addresses, whose traffic also runs over {@code lo}. So a local scan can go as fast
 * as the sockets allow, while a scan of another host (or of a pod behind a veth) must not outrun the limit. The
 * engine cannot know the remote limit, so it measures: an answer that came only to a retransmission is a drop; on
 * drops it slows to 90% of the answer rate it measured (what the limiter lets through), and a silent port is
 * called {@code open|filtered} only after a round of retransmissions during which no drops were seen (see
 * {@link EngineRun} and {@link Timing}).
 *
 * <p><b>Limits</b>: probes in flight follow {@link Timing}'s congestion window, capped by the preset, the plan's
 * {@code maxOpenSockets} and half the process's free file descriptors ({@link FdBudget}); when opening a socket
 * still fails for want of descriptors (EMFILE), buffers or local ports, the engine halves its socket cap, backs off
 * (1 ms doubling to 100 ms) and tries again: it does not fail the scan for it.
 *
 * <p><b>Results</b>: {@link ScanListener#onResult} once per address and port, on the engine's thread, once its
 * state is final (for an open TCP port with banners asked for: once its {@link BannerGrabber banner grab} on a
 * virtual thread, at most {@value EngineRun#MAX_BANNERS} at once, is done); the outcome lists them by address then
 * port. A listener that throws is logged once and otherwise ignored.
 */
public final class ScanEngine {
  /** Where banners come from: {@link BannerGrabber#grab} in production; tests give their own. */
  @FunctionalInterface
  interface Grabber {
    Banner grab(InetAddress address, int port, Duration timeout);
  }

  private final UdpPayloads payloads;
  private final Grabber grabber;
  private final boolean direct;

  private ScanEngine(UdpPayloads payloads, Grabber grabber, boolean direct) {
    this.payloads = payloads;
    this.grabber = grabber;
    this.direct = direct;
  }

  public static ScanEngine create() {
    BannerGrabber grabber = BannerGrabber.create();
    return new ScanEngine(UdpPayloads.defaults(), grabber::grab, true);
  }

  /** This engine, sending {@code payloads} in UDP probes (tests point the DNS query at a responder's port). */
  ScanEngine withPayloads(UdpPayloads payloads) {
    return new ScanEngine(Objects.requireNonNull(payloads), grabber, direct);
  }

  /** This engine, grabbing banners with {@code grabber}. */
  ScanEngine withGrabber(Grabber grabber) {
    return new ScanEngine(payloads, Objects.requireNonNull(grabber), direct);
  }

  /** This engine, with or without the direct-syscall TCP probes of local addresses ({@link NativeTcp}). */
  ScanEngine withDirectProbes(boolean direct) {
    return new ScanEngine(payloads, grabber, direct);
  }

  /** Starts {@code plan} on a thread of its own; {@code listener} hears results and progress. */
  public ScanRun start(ScanPlan plan, ScanListener listener) {
    Objects.requireNonNull(plan, "plan");
    EngineRun run = new EngineRun(plan, listener, payloads, grabber, direct);
    run.start();
    return run;
  }
}
