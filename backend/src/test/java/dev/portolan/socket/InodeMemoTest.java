package dev.portolan.socket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** What one full read kept by inode is what the next read finds, and only that read's. */
class InodeMemoTest {
  @Test
  void theLastFinishedReadIsWhatIsFound() {
    InodeMemo<String> memo = new InodeMemo<>();
    assertNull(memo.previous(7), "nothing read yet");
    memo.start(3);
    memo.record(7, "seven");
    memo.record(7, "seven again"); // a dump that lists a socket twice: the first counts
    memo.record(0, "no inode");
    memo.record(1L << 40, "large");
    assertNull(memo.previous(7), "not before the read is finished");
    memo.finish();
    assertEquals("seven", memo.previous(7));
    assertEquals("large", memo.previous(1L << 40));
    assertNull(memo.previous(0), "inode 0 is never kept");
    assertNull(memo.previous(8));

    memo.start(2);
    memo.record(8, "eight");
    assertEquals("seven", memo.previous(7), "while a read records, the last one is asked");
    memo.finish();
    assertNull(memo.previous(7), "gone from the table: not in the last read");
    assertEquals("eight", memo.previous(8));

    memo.start(2);
    memo.record(9, "nine");
    memo.abandon();
    memo.finish();
    assertEquals("eight", memo.previous(8), "a failed read leaves the last one");
    assertNull(memo.previous(9));
  }

  @Test
  void aReadFarLargerThanExpectedIsKeptWhole() {
    InodeMemo<Long> memo = new InodeMemo<>();
    memo.start(4); // a table of 16 slots, grown as the read goes on
    for (long inode = 1; inode <= 1_000; inode++) {
      memo.record(inode, inode);
    }
    memo.finish();
    for (long inode = 1; inode <= 1_000; inode++) {
      assertEquals(inode, memo.previous(inode));
    }
    assertNull(memo.previous(1_001));
  }
}
