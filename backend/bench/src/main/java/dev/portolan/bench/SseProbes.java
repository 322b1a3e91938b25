package dev.portolan.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The benchmark's SSE clients of a hub: one of the whole feed, or one per sampled node ({@code
 * ?node=NAME}), read and recorded together. Following a sample of nodes measures the same path
 * (publication, bridge, the hub's table, the feed's filter and format, the socket) where one client
 * of the whole feed cannot keep up on the machine that also runs the simulator: at 5,000 agents the
 * feed is ~50,000 events/s, and a client that stalls for a few hundred ms is cut off as slow.
 */
final class SseProbes implements AutoCloseable {
  private final List<SseLatencyProbe> probes;
  private final String description;

  private SseProbes(List<SseLatencyProbe> probes, String description) {
    this.probes = probes;
    this.description = description;
  }

  /** One client of the whole feed. */
  static SseProbes wholeFeed(int port) throws IOException {
    return new SseProbes(List.of(SseLatencyProbe.connect(port)), "one client of the whole feed");
  }

  /** One client per node of {@code nodes}, each with {@code ?node=NAME}. */
  static SseProbes following(int port, List<String> nodes) throws IOException {
    List<SseLatencyProbe> probes = new ArrayList<>();
    try {
      for (String node : nodes) {
        probes.add(SseLatencyProbe.connect(port, "?node=" + node));
      }
    } catch (IOException e) {
      probes.forEach(SseLatencyProbe::close);
      throw e;
    }
    return new SseProbes(
        List.copyOf(probes),
        String.format("%,d clients, each following one node (`?node=`)", nodes.size()));
  }

  String description() {
    return description;
  }

  void startRecording() {
    probes.forEach(SseLatencyProbe::startRecording);
  }

  /** Stops every client's recording; their latencies merged. */
  SseLatencyProbe.Latencies stopRecording() {
    long[] histogram = null;
    long count = 0;
    long max = 0;
    long negative = 0;
    for (SseLatencyProbe p : probes) {
      SseLatencyProbe.Latencies l = p.stopRecording();
      if (histogram == null) {
        histogram = l.histogram();
      } else {
        for (int i = 0; i < histogram.length; i++) {
          histogram[i] += l.histogram()[i];
        }
      }
      count += l.count();
      max = Math.max(max, l.maxMillis());
      negative += l.negative();
    }
    return new SseLatencyProbe.Latencies(histogram, count, max, negative);
  }

  long events() {
    return probes.stream().mapToLong(SseLatencyProbe::events).sum();
  }

  /** Distinct nodes seen while recording (each client sees its own). */
  int nodesSeen() {
    return probes.stream().mapToInt(SseLatencyProbe::nodesSeen).sum();
  }

  /** The first client's failure, or null while all read. */
  String failure() {
    for (SseLatencyProbe p : probes) {
      if (p.failure() != null) {
        return p.failure();
      }
    }
    return null;
  }

  boolean wasReset() {
    return probes.stream().anyMatch(SseLatencyProbe::wasReset);
  }

  @Override
  public void close() {
    probes.forEach(SseLatencyProbe::close);
  }
}
