package dev.portolan.netns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.socket.SocketReaders;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * 200 network namespaces made and destroyed while sampling (150 {@code ip netns}, 50 {@code unshare
 * -n} processes, in ten rounds): each is found and read, each reader is closed when its namespace
 * goes, and afterwards this process's descriptors ({@code /proc/self/fd}) and heap (after GC) are
 * where they were. Needs root, iproute2 and unshare; skips with the reason otherwise.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class NamespaceChurnTest {
  private static final int ROUNDS = 10;
  private static final int NAMED_PER_ROUND = 15;
  private static final int UNNAMED_PER_ROUND = 5;
  private static final long HEAP_TOLERANCE_BYTES = 4L << 20;
  private static final int FD_TOLERANCE = 2;

  @BeforeEach
  void needs() {
    Netns.assumeRootAndTools();
  }

  @Test
  void twoHundredNamespacesComeAndGoLeavingDescriptorsAndHeapAsTheyWere() throws Exception {
    try (NamespacesReader reader = NamespacesReader.create(SocketReaders.Setting.AUTO);
        Netns netns = new Netns()) {
      churn(reader, netns, 1); // warm up: classes, JIT, buffers
      long heapBefore = heapAfterGc();
      long fdsBefore = fdsBesideReaders(reader);
      int readByNetlink = 0;
      for (int round = 0; round < ROUNDS; round++) {
        readByNetlink += churn(reader, netns, round + 2);
      }
      // counted per round: the kernel reuses a destroyed namespace's inode number
      assertEquals(
          ROUNDS * (NAMED_PER_ROUND + UNNAMED_PER_ROUND),
          readByNetlink,
          "every namespace made was found and read through netlink");
      long heapAfter = heapAfterGc();
      long fdsAfter = fdsBesideReaders(reader);
      System.out.printf(
          "churn of %d namespaces: descriptors %d -> %d, heap after GC %d -> %d bytes%n",
          readByNetlink, fdsBefore, fdsAfter, heapBefore, heapAfter);
      assertTrue(
          fdsAfter <= fdsBefore + FD_TOLERANCE,
          () -> "descriptors besides namespace readers: " + fdsBefore + " before, " + fdsAfter);
      assertTrue(
          heapAfter <= heapBefore + HEAP_TOLERANCE_BYTES,
          () -> "heap after GC: " + heapBefore + " bytes before, " + heapAfter + " after");
    }
  }

  /**
   * Makes a round of namespaces, samples (each must be read), destroys them, samples (each must be
   * gone, its reader closed). Returns how many were read through netlink.
   */
  private static int churn(NamespacesReader reader, Netns netns, int round)
      throws IOException, InterruptedException {
    int read = 0;
    List<String> names = new ArrayList<>();
    List<Process> holders = new ArrayList<>();
    Set<Long> made = new HashSet<>();
    try {
      for (int i = 0; i < NAMED_PER_ROUND; i++) {
        names.add(netns.add("churn" + round + "-" + i));
      }
      for (int i = 0; i < UNNAMED_PER_ROUND; i++) {
        Process p =
            new ProcessBuilder("unshare", "-n", "sleep", "600")
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        holders.add(p);
      }
      for (Process p : holders) {
        made.add(namespaceOf(p));
      }
      NamespacesSample during = reader.sample();
      for (NetNamespace n : during.discovery().foreign()) {
        if (n.name() != null && names.contains(n.name())) {
          made.add(n.inode());
        }
      }
      assertEquals(NAMED_PER_ROUND + UNNAMED_PER_ROUND, made.size(), "namespaces made");
      for (long inode : made) {
        NamespaceTable t = during.table(inode);
        assertTrue(t != null && "netlink".equals(t.method()) && t.error() == null, "read: " + t);
        read++;
      }
    } finally {
      for (String n : names) {
        netns.delete(n);
      }
      for (Process p : holders) {
        p.destroy();
        p.waitFor(10, TimeUnit.SECONDS);
      }
    }
    NamespacesSample after = reader.sample();
    for (long inode : made) {
      assertTrue(after.discovery().gone().contains(inode), "gone: " + inode);
      assertEquals(null, after.table(inode), "no table for a namespace gone");
    }
    return read;
  }

  private static long namespaceOf(Process p) throws IOException, InterruptedException {
    Path link = Path.of("/proc", Long.toString(p.pid()), "ns", "net");
    long self = NamespaceFiles.inodeOfLink(Path.of("/proc/self/ns/net"));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      long inode = NamespaceFiles.inodeOfLink(link); // ours until unshare has made its own
      if (inode != self) {
        return inode;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("unshare -n made no namespace for pid " + p.pid());
      }
      Thread.onSpinWait();
    }
  }

  /**
   * This process's open descriptors, less one per open namespace reader (others' namespaces may
   * come and go on a shared host meanwhile).
   */
  /**
   * This process's descriptors but the namespace readers' (a netlink socket each, and their socket
   * counters' {@code sockstat} files): other namespaces of the machine (another test's, a
   * benchmark's) may come or go meanwhile, and each has a reader of its own.
   */
  private static long fdsBesideReaders(NamespacesReader reader) throws IOException {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.filter(fd -> !isCountersFile(fd)).count() - reader.openReaders();
    }
  }

  private static boolean isCountersFile(Path fd) {
    try {
      String target = Files.readSymbolicLink(fd).toString();
      return target.endsWith("/net/sockstat") || target.endsWith("/net/sockstat6");
    } catch (IOException e) {
      return false; // closed meanwhile (the listing's own descriptor)
    }
  }

  private static long heapAfterGc() {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      System.gc();
      used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
    }
    return used;
  }
}
