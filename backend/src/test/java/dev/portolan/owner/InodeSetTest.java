package dev.portolan.owner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class InodeSetTest {
  @Test
  void holdsExactlyTheDistinctNonZeroInodesItWasGiven() {
    Random random = new Random(7);
    for (int round = 0; round < 50; round++) {
      List<Long> given = new ArrayList<>();
      long base = random.nextLong(1, 1L << 40);
      int n = random.nextInt(0, 3000);
      for (int i = 0; i < n; i++) {
        // consecutive runs (as the kernel numbers inodes), repeats and zeros
        given.add(random.nextInt(10) == 0 ? 0L : random.nextBoolean() ? base + i : base + random.nextInt(n + 1));
      }
      Set<Long> expected = new HashSet<>(given);
      expected.remove(0L);
      InodeSet set = InodeSet.of(given, given.size());
      assertEquals(expected.size(), set.size());
      assertEquals(expected, new HashSet<>(set), "iteration gives every inode once");
      for (long probe = base - 5; probe < base + n + 5; probe++) {
        assertEquals(expected.contains(probe), set.contains(probe), "inode " + probe);
      }
      assertFalse(set.contains(0L));
      assertFalse(set.contains("not an inode"));
    }
  }

  @Test
  void theEmptySetHasNothing() {
    assertEquals(0, InodeSet.EMPTY.size());
    assertFalse(InodeSet.EMPTY.iterator().hasNext());
    assertFalse(InodeSet.EMPTY.contains(1L));
    assertTrue(InodeSet.of(List.of(0L, 0L), 2).isEmpty());
  }
}
