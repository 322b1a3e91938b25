package dev.portolan.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class HeapTrimTest {
  private static final long MIB = 1L << 20;

  /** A heap whose committed size the test sets; a collection brings it back to its live size. */
  private static final class Heap {
    final AtomicLong committed = new AtomicLong(30 * MIB);
    long live = 28 * MIB;
    int collections;

    void collect() {
      collections++;
      committed.set(live);
    }
  }

  @Test
  void collectsOnceTheHeapHasGrownAndTheIntervalHasPassed() {
    Heap heap = new Heap();
    HeapTrim trim = new HeapTrim(heap.committed::get, heap::collect, MIB, 120_000);
    assertFalse(trim.check(0), "the first check only takes the baseline");
    heap.committed.addAndGet(2 * MIB);
    assertFalse(trim.check(60_000), "grown, but within the interval");
    assertTrue(trim.check(120_000));
    assertEquals(1, heap.collections);
    assertEquals(1, trim.collections());
    heap.committed.addAndGet(MIB / 2);
    assertFalse(trim.check(400_000), "grown by less than the threshold since the collection");
    heap.committed.addAndGet(MIB);
    assertTrue(trim.check(400_000));
    assertEquals(2, heap.collections);
  }

  @Test
  void aHeapThatShrankByItselfIsTheNewBaseline() {
    Heap heap = new Heap();
    HeapTrim trim = new HeapTrim(heap.committed::get, heap::collect, MIB, 0);
    trim.check(0);
    heap.committed.set(20 * MIB); // a full collection of the JVM's own
    assertFalse(trim.check(1_000));
    heap.committed.set(21 * MIB + 1);
    assertTrue(trim.check(2_000), "1 MiB above the shrunk heap, not above the first baseline");
  }
}
