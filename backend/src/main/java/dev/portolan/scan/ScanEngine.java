package dev.portolan.scan;

import dev.portolan.scan.banner.Banner;
import dev.portolan.scan.banner.BannerGrabber;
import dev.portolan.scan.banner.UdpPayloads;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * Runs scans: TCP connect and UDP, non-blocking, with adaptive timing; no root needed. Each {@link
 * #start} runs its plan on a thread of its own ({@code portolan-scan-N}, a daemon) driving a {@link
 * java.nio.channels.Selector}, and returns at once. (A large scan of this host's own addresses with
 * the AGGRESSIVE preset also probes from a second thread, {@code portolan-scan-N-lane-1}, with a
 * selector of its own: see {@link EngineRun}.)
 *
 * <p><b>TCP</b>: a non-blocking connect per address and port. The handshake completing is {@code
 * open} ({@code syn-ack}; the socket is then closed with SO_LINGER 0, a RST, so no TIME_WAIT is
 * left); a refusal is {@code closed} ({@code conn-refused}); an ICMP host or network unreachable,
 * or no route, is {@code filtered} ({@code host-unreach}, {@code net-unreach}); silence through the
 * retransmissions (each on a new socket) is {@code filtered} ({@code no-response}). On this host's
 * own addresses (loopback or not: their traffic runs over the loopback device) the kernel completes
 * the exchange inside {@code connect()}, so the engine asks for the answer straight away instead of
 * through the selector, by direct system calls where it can ({@link NativeTcp}). A connect that the
 * kernel gives the very port it probes (a self-connect, possible for ports in the ephemeral range)
 * is not taken for a listener: the probe is sent again (nmap counts it as a drop and slows down).
 *
 * <p><b>UDP</b>: one connected datagram channel per probe, carrying the port's {@link UdpPayloads
 * payload}. A reply is {@code open} ({@code udp-response}); an ICMP port unreachable, which a
 * connected socket reports as ECONNREFUSED ({@link java.net.PortUnreachableException}) on the next
 * read, is {@code closed} ({@code port-unreach}); other ICMP unreachables are {@code filtered};
 * silence through the retransmissions (on the same socket) is {@code open|filtered}.
 *
 * <p><b>ICMP rate limits</b>: closed UDP ports are known only by their ICMP port unreachables, and
 * Linux limits those, per network namespace: globally (a token bucket for all ICMP errors) and per
 * destination (about one closed IPv4 port a second from a remote Linux host), but neither on
 * loopback, which the host's own non-loopback addresses use too. So a local scan can go as fast as
 * the sockets allow, while a scan of another host (or of a pod behind a veth) must not outrun the
 * limit, and the engine cannot know the remote one. It measures instead: an answer that came only
 * to a retransmission is a drop; on drops it slows to 90% of the answer rate it measured (what the
 * limiter lets through), growing back 5% a second while no drops come; and a UDP port that stayed
 * silent while drops were being seen is asked again after the sweep, at half that pace, and called
 * {@code open|filtered} only after a round without drops (up to four rounds; see {@link Lane},
 * {@link Timing}).
 *
 * <p><b>Limits</b>: probes in flight follow {@link Timing}'s congestion window, capped by the
 * preset, the plan's {@code maxOpenSockets} and half the process's free file descriptors ({@link
 * FdBudget}); the rate by the tighter of the preset's and the plan's caps. When opening a socket
 * still fails for want of descriptors (EMFILE), buffers or local ports, the lane halves its socket
 * cap, backs off (1 ms doubling to 100 ms) and tries again: it does not fail the scan for it.
 *
 * <p><b>Results</b>: {@link ScanListener#onResult} once per address and port, on the scan's thread,
 * once its state is final (for an open TCP port with banners asked for: once its {@link
 * BannerGrabber banner grab} on a virtual thread, at most {@value EngineRun#MAX_BANNERS} at once
 * and a quarter of the socket cap, is done); progress at most every 100 ms and once at the end; the
 * outcome lists the results by address then port. A listener that throws is logged once and
 * otherwise ignored. {@link ScanRun#cancel()} stops the scan at once, closes its sockets and
 * completes the outcome as cancelled with the results so far (open ports still waiting for their
 * banner are reported without it).
 *
 * <p>Measurements (the kernel's limits, self-connects, scans through a veth):
 * backend/docs/measurements.md#scanengine
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

  /**
   * This engine, sending {@code payloads} in UDP probes (tests point the DNS query at a responder's
   * port).
   */
  ScanEngine withPayloads(UdpPayloads payloads) {
    return new ScanEngine(Objects.requireNonNull(payloads), grabber, direct);
  }

  /** This engine, grabbing banners with {@code grabber}. */
  ScanEngine withGrabber(Grabber grabber) {
    return new ScanEngine(payloads, Objects.requireNonNull(grabber), direct);
  }

  /**
   * This engine, with or without the direct-syscall TCP probes of local addresses ({@link
   * NativeTcp}).
   */
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
