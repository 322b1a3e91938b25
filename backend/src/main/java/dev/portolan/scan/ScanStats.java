package dev.portolan.scan;

/**
 * How a scan is going, as the engine sees it. {@code probesSent} counts retransmissions; {@code
 * inFlight} the probes awaiting an answer now and {@code peakInFlight} their most at once; {@code
 * peakSockets} the most sockets the scan held at once (probes, UDP probes waiting to be
 * retransmitted, banner grabs); {@code parallelism} the current congestion window; {@code
 * socketCap} the current cap on sockets (preset, plan and file-descriptor budget); {@code
 * timeoutMicros} the current adaptive probe timeout; {@code retransmits} probes sent again after
 * silence; {@code drops} probes that went unanswered but whose retransmission was answered (the
 * network or the target dropped something: e.g. an ICMP rate limit); {@code paceRate} the adaptive
 * send rate in probes per second the drops led to (0 while none); {@code resourceBackoffs} times
 * opening a socket failed for want of file descriptors or local ports and the engine backed off.
 */
public record ScanStats(
    long probesSent,
    int inFlight,
    int peakInFlight,
    int peakSockets,
    int parallelism,
    int socketCap,
    long timeoutMicros,
    long retransmits,
    long drops,
    double paceRate,
    long resourceBackoffs) {

  public static final ScanStats NONE = new ScanStats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
}
