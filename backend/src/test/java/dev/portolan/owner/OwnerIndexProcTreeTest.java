package dev.portolan.owner;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portolan.socket.Family;
import dev.portolan.socket.Protocol;
import dev.portolan.socket.SocketEntry;
import dev.portolan.socket.SocketState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Owner index over a small proc tree built in a temp dir (real files and symlinks shaped like
 * /proc), for the cases a live system cannot stage on demand: fork+exit handoff, fd reuse, a
 * permanently unexplained socket.
 */
class OwnerIndexProcTreeTest {

  @TempDir Path proc;

  @Test
  void socketHandedOffByAnExitingParentGetsItsNewOwner() throws IOException {
    process(100, "parent", 1000, 3, 5000);
    process(200, "child", 2000, 7, 5000);
    OwnerIndex index = OwnerIndex.create(proc, Path.of("/etc/passwd"), OwnerIndex.Settings.DEFAULT);
    List<SocketEntry> table = List.of(listener(5000));
    int first = index.update(table).get(5000L).pid();
    assertEquals(true, first == 100 || first == 200, "owner " + first);

    delete(proc.resolve(Integer.toString(first)));
    int survivor = first == 100 ? 200 : 100;
    assertEquals(survivor, index.update(table).get(5000L).pid());
    assertEquals(survivor, index.lookup(5000).pid());
    assertEquals(1, index.stats().knownProcesses());
  }

  @Test
  void closedAndReusedFdIsNoticedByVerification() throws IOException {
    process(100, "server", 1000, 3, 5000);
    OwnerIndex index = OwnerIndex.create(proc, Path.of("/etc/passwd"), OwnerIndex.Settings.DEFAULT);
    assertEquals(100, index.update(List.of(listener(5000))).get(5000L).pid());
    // 100 closes 5000 (which 300 holds too) and reuses fd 3 for 6000
    Files.delete(proc.resolve("100/fd/3"));
    Files.createSymbolicLink(proc.resolve("100/fd/3"), Path.of("socket:[6000]"));
    process(300, "other", 3000, 4, 5000);
    var owners = index.update(List.of(listener(5000), listener(6000)));
    assertEquals(300, owners.get(5000L).pid());
    assertEquals(100, owners.get(6000L).pid());
    assertEquals(100, index.lookup(6000).pid());
  }

  @Test
  void permanentlyUnexplainedSocketDoesNotMakeEveryUpdateAFullWalk() throws IOException {
    process(100, "a", 1000, 3, 5000);
    process(101, "b", 1001, 3, 5001);
    OwnerIndex index =
        OwnerIndex.create(
            proc,
            Path.of("/etc/passwd"),
            new OwnerIndex.Settings(Duration.ofHours(1), 1_000_000, 256, 64));
    List<SocketEntry> table = List.of(listener(5000), listener(5001), listener(9999));
    var owners = index.update(table);
    assertEquals(
        Owner.UNKNOWN, owners.get(9999L), "no unreadable fd table here: unknown, not denied");
    assertEquals(1, index.stats().fullWalks());
    for (int i = 0; i < 3; i++) {
      owners = index.update(table);
      assertEquals(Owner.UNKNOWN, owners.get(9999L));
      assertEquals(0, index.stats().fdDirReads(), index.stats().toString());
    }
    assertEquals(1, index.stats().fullWalks());
    assertEquals(101, owners.get(5001L).pid());
    assertEquals("b", owners.get(5001L).process().name());
  }

  @Test
  void verificationsFollowTheTimeBetweenUpdatesNotTheirNumber() throws IOException {
    OwnerIndex.Settings tenPerSecond = new OwnerIndex.Settings(Duration.ofSeconds(10), 10, 256, 64);
    process(100, "server", 1000, 3, 5000);
    List<SocketEntry> table = new java.util.ArrayList<>(List.of(listener(5000)));
    for (int i = 1; i < 40; i++) {
      Files.createSymbolicLink(
          proc.resolve("100/fd/" + (3 + i)), Path.of("socket:[" + (5000 + i) + "]"));
      table.add(listener(5000 + i));
    }
    OwnerIndex index = OwnerIndex.create(proc, Path.of("/etc/passwd"), tenPerSecond);
    Owner before = index.update(table).get(5000L);
    assertEquals(40, index.stats().indexedInodes());
    Owner after = index.update(table).get(5000L);
    org.junit.jupiter.api.Assertions.assertSame(
        before,
        after,
        "one owner object per process across samples: the diff compares rows' owners by identity");
    assertEquals(
        OwnerIndex.MIN_VERIFICATIONS_PER_UPDATE,
        index.stats().readlinks(),
        "an update right after another re-checks only the minimum, not all 40: " + index.stats());

    OwnerIndex.Settings defaults = OwnerIndex.Settings.DEFAULT;
    assertEquals(160, OwnerIndex.verificationBudget(defaults, 1_000_000_000L), "1 s interval");
    assertEquals(40, OwnerIndex.verificationBudget(defaults, 250_000_000L), "250 ms interval");
    assertEquals(
        OwnerIndex.MIN_VERIFICATIONS_PER_UPDATE,
        OwnerIndex.verificationBudget(defaults, 1_000_000L));
    assertEquals(
        256, OwnerIndex.verificationBudget(defaults, 60_000_000_000L), "capped after a long pause");
  }

  private void process(int pid, String name, long startTime, int fd, long socketInode)
      throws IOException {
    Path dir = Files.createDirectories(proc.resolve(Integer.toString(pid)));
    Files.createDirectories(dir.resolve("fd"));
    Files.writeString(
        dir.resolve("stat"),
        pid + " (" + name + ") S" + " 0".repeat(18) + " " + startTime + " 0 0\n");
    Files.writeString(dir.resolve("status"), "Name:\t" + name + "\nUid:\t0\t0\t0\t0\n");
    Files.writeString(dir.resolve("cmdline"), name + "\0--flag\0");
    Files.writeString(dir.resolve("cgroup"), "0::/system.slice/" + name + ".service\n");
    Files.createSymbolicLink(
        dir.resolve("fd").resolve(Integer.toString(fd)), Path.of("socket:[" + socketInode + "]"));
    Files.createSymbolicLink(dir.resolve("fd").resolve("0"), Path.of("/dev/null"));
  }

  private static SocketEntry listener(long inode) {
    return SocketEntry.inet(
        Protocol.TCP,
        Family.IPV4,
        "127.0.0.1",
        (int) (inode % 60000),
        "0.0.0.0",
        0,
        SocketState.LISTEN,
        0,
        0,
        0,
        inode);
  }

  private static void delete(Path dir) throws IOException {
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
