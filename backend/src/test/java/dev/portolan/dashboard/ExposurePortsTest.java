package dev.portolan.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portolan.sampler.Protocol;
import dev.portolan.scan.ExposureMap;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ExposurePortsTest {
  private static ExposureMap.Listener at(int port) {
    return new ExposureMap.Listener(Protocol.TCP, port, "0.0.0.0", null);
  }

  @Test
  void listenerPortsBecomeACompactSpecWithRuns() {
    assertEquals("22,80-82,443,top:100",
        ExposurePages.listenerPortsAnd(List.of(at(443), at(81), at(22), at(80), at(82), at(22)), "top:100"));
    assertEquals("top:100", ExposurePages.listenerPortsAnd(List.of(), "top:100"));
  }

  @Test
  void tooManyScatteredListenersMeanAFullScan() {
    List<ExposureMap.Listener> many = IntStream.range(0, 2000).map(i -> 1000 + i * 3).mapToObj(ExposurePortsTest::at).toList();
    assertEquals("-", ExposurePages.listenerPortsAnd(many, "top:100"));
  }
}
