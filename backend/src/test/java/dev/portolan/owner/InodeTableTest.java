package dev.portolan.owner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.socket.Family;
import dev.portolan.socket.Protocol;
import dev.portolan.socket.SocketEntry;
import dev.portolan.socket.SocketState;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class InodeTableTest {

  @Test
  void holdsEachInodeOnceWithItsFirstRowAndLeavesZeroOut() {
    SocketEntry first = row(7, 80);
    SocketEntry again = row(7, 81);
    SocketEntry timeWait = row(0, 82);
    InodeTable t = InodeTable.of(List.of(first, row(9, 90), again, timeWait));
    assertEquals(2, t.size());
    assertSame(first, t.get(7), "a dump listing a socket twice: the first row stays");
    assertTrue(t.contains(9));
    assertFalse(t.contains(0), "inode 0 (no file) is never in the table");
    assertFalse(t.contains(8));
    assertNull(t.get(8));
    List<Long> order = new ArrayList<>();
    t.forEachInode(order::add);
    assertEquals(List.of(7L, 9L), order);
    assertEquals(7L, t.inode(0));
    assertEquals(9L, t.inode(1));
    assertEquals(List.of(7L, 9L), java.util.Arrays.stream(t.inodes()).boxed().toList());
    assertTrue(t.hasKernelSockets(), "a row with inode 0 was there");
    assertFalse(InodeTable.of(List.of(first)).hasKernelSockets());
  }

  @Test
  void aReusedTableHoldsOnlyTheNewRows() {
    List<SocketEntry> before = new ArrayList<>();
    List<SocketEntry> after = new ArrayList<>();
    for (int i = 1; i <= 100; i++) {
      before.add(row(i, i));
      after.add(row(i + 50, i));
    }
    before.add(row(0, 2));
    after.add(row(0, 1));
    InodeTable first = InodeTable.of(before);
    InodeTable second = InodeTable.of(after, first);
    assertSame(first, second, "the same size of table: its arrays filled again");
    assertEquals(100, second.size());
    assertFalse(second.contains(1), "a row of the table before");
    assertFalse(second.contains(50));
    assertTrue(second.contains(51));
    assertTrue(second.contains(150));
    assertEquals(51L, second.inode(0));
    assertTrue(second.hasKernelSockets());
    List<SocketEntry> many = new ArrayList<>(after);
    for (int i = 200; i < 1_000; i++) {
      many.add(row(i, i));
    }
    InodeTable bigger = InodeTable.of(many, second);
    assertTrue(bigger != second, "too small: a new table");
    assertEquals(900, bigger.size());
    assertTrue(InodeTable.of(before, null).contains(1));
  }

  @Test
  void agreesWithASetOnManyInodesIncludingCollidingOnes() {
    Random random = new Random(42);
    Set<Long> expected = new TreeSet<>();
    List<SocketEntry> rows = new ArrayList<>();
    for (int i = 0; i < 5_000; i++) {
      // half of them a multiple of a big power of two: the ones a weak hash would pile into one
      // slot
      long inode = i % 2 == 0 ? (random.nextInt(1 << 20) + 1L) << 20 : random.nextInt(1 << 30) + 1L;
      expected.add(inode);
      rows.add(row(inode, i % 65536));
    }
    InodeTable t = InodeTable.of(rows);
    assertEquals(expected.size(), t.size());
    for (long inode : expected) {
      assertTrue(t.contains(inode), "inode " + inode);
      assertEquals(inode, t.get(inode).inode());
    }
    for (int i = 0; i < 5_000; i++) {
      long other = random.nextInt(1 << 30) + (1L << 31);
      assertFalse(t.contains(other), "inode " + other);
    }
    InodeTable bare =
        InodeTable.ofInodes(expected.stream().mapToLong(Long::longValue).toArray(), 3);
    assertEquals(expected.size() + 1, bare.size());
    assertTrue(bare.contains(3));
    assertNull(bare.get(3), "a table of bare inodes has no rows");
  }

  private static SocketEntry row(long inode, int port) {
    return SocketEntry.inet(
        Protocol.TCP,
        Family.IPV4,
        "127.0.0.1",
        port,
        "0.0.0.0",
        0,
        SocketState.LISTEN,
        0,
        0,
        0,
        inode);
  }
}
