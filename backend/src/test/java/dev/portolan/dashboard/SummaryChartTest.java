package dev.portolan.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.frontend.view.TrendLine;
import dev.portolan.sampling.SummaryTrend;
import java.util.List;
import org.junit.jupiter.api.Test;

class SummaryChartTest {
  private static SummaryTrend.Point point(long t, int established, int timeWait) {
    return new SummaryTrend.Point(t, 1, established, timeWait, 0, 1 + established + timeWait);
  }

  @Test
  void trendLinesShareTimeAxisAndScale() {
    List<TrendLine> lines =
        SummaryChart.trend(List.of(point(0, 0, 10), point(500, 5, 0), point(1000, 10, 5)));
    TrendLine established =
        lines.stream().filter(l -> l.state().equals("established")).findFirst().orElseThrow();
    assertEquals("0,59 150,30 300,1", established.points());
    assertEquals(10, established.latest());
    TrendLine timeWait =
        lines.stream().filter(l -> l.state().equals("time-wait")).findFirst().orElseThrow();
    assertEquals("0,1 150,59 300,30", timeWait.points());
    assertEquals(10, timeWait.max());
    assertTrue(SummaryChart.trend(List.of(point(0, 1, 1))).isEmpty(), "one point is no line");
  }

  @Test
  void trendKeepsTheWindowAndThinsEvenly() {
    SummaryTrend trend = new SummaryTrend(10_000, 1000);
    for (int i = 0; i <= 100; i++) {
      trend.add(new SummaryTrend.Point(i * 200L, 0, i, 0, 0, i));
    }
    List<SummaryTrend.Point> all = trend.points(1000);
    assertEquals(
        20_000 - 10_000,
        all.getLast().takenAtMillis() - all.getFirst().takenAtMillis(),
        "10 s window");
    List<SummaryTrend.Point> thin = trend.points(11);
    assertEquals(11, thin.size());
    assertEquals(all.getFirst(), thin.getFirst());
    assertEquals(all.getLast(), thin.getLast());
  }
}
