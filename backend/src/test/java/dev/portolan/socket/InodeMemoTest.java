package dev.portolan.socket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * What one full read kept by inode is what the next read finds, and only that read's: asked in the
 * last read's order (the kernel's), every entry; asked out of it, once the read has missed often.
 */
class InodeMemoTest {
  @Test
  void theLastFinishedReadIsWhatIsFound() {
    InodeMemo<String> memo = new InodeMemo<>();
    assertNull(memo.previous(7), "nothing read yet");
    memo.start(3);
    memo.record(7, "seven");
    memo.record(0, "no inode");
    memo.record(1L << 40, "large");
    assertNull(memo.previous(7), "not before the read is finished");
    memo.finish();
    assertEquals("seven", memo.previous(7));
    assertNull(memo.previous(0), "inode 0 is never kept");
    assertNull(memo.previous(8));
    assertEquals("large", memo.previous(1L << 40));

    memo.start(2);
    assertEquals("seven", memo.previous(7), "while a read records, the last one is asked");
    memo.record(8, "eight");
    memo.finish();
    assertNull(memo.previous(7), "gone from the table: not in the last read");
    assertEquals("eight", memo.previous(8));

    memo.start(2);
    memo.record(9, "nine");
    memo.abandon();
    memo.finish();
    memo.start(2);
    assertEquals("eight", memo.previous(8), "a failed read leaves the last one");
    assertNull(memo.previous(9));
  }

  @Test
  void aReadInTheKernelsOrderFindsEveryEntryWithSocketsComeAndGone() {
    InodeMemo<Long> memo = new InodeMemo<>();
    memo.start(4); // grown as the read goes on
    for (long inode = 1; inode <= 1_000; inode++) {
      memo.record(inode, inode);
    }
    memo.finish();
    memo.start(1_000);
    int found = 0;
    for (long inode = 1; inode <= 1_100; inode++) {
      if (inode % 100 == 0) {
        assertNull(memo.previous(inode + 5_000), "a new socket");
      }
      if (inode % 50 == 7) {
        continue; // closed since
      }
      Long was = memo.previous(inode);
      if (inode <= 1_000) {
        assertEquals(inode, was);
        found++;
      } else {
        assertNull(was);
      }
    }
    assertEquals(980, found);
  }

  @Test
  void aReadInAnotherOrderFindsEveryEntryOnceItHasMissedOften() {
    InodeMemo<Long> memo = new InodeMemo<>();
    List<Long> order = new ArrayList<>();
    memo.start(2_000);
    for (long inode = 1; inode <= 2_000; inode++) {
      memo.record(inode << 20, inode);
      order.add(inode << 20);
    }
    memo.finish();
    Collections.shuffle(order, new Random(7));
    memo.start(2_000);
    int missed = 0;
    for (long inode : order) {
      Long was = memo.previous(inode);
      if (was == null) {
        missed++;
      } else {
        assertEquals(inode >> 20, was);
      }
    }
    assertEquals(
        InodeMemo.MISSES_BEFORE_INDEX,
        missed,
        "after that many misses the last read is indexed, and every other entry found");
    assertNull(memo.previous(12345));
  }
}
