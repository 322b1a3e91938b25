package dev.portolan.netns;

import static dev.portolan.testing.HostTools.isRoot;
import static dev.portolan.testing.HostTools.onPath;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.netns.NamespaceLabel.Kind;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The labeler on this machine's real {@code /proc}: the test's own namespace as the host's, a
 * namespace made with {@code ip netns add} and one made with {@code unshare -n}, each holding a
 * real process. Needs root and iproute2 (and util-linux's unshare); skips saying so otherwise.
 */
@Timeout(60)
class NamespaceLabelerLiveTest {

  private static final Path PROC = Path.of("/proc");
  private final List<Process> children = new ArrayList<>();
  private String namespace;

  @AfterEach
  void cleanUp() throws Exception {
    for (Process p : children) {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    if (namespace != null) {
      run("ip", "netns", "del", namespace);
    }
  }

  @Test
  void theTestsOwnNamespaceIsTheHosts() throws IOException {
    long inode = inodeOf(ProcessHandle.current().pid());
    List<Integer> pids = pidsIn(inode);
    assertTrue(
        pids.contains((int) ProcessHandle.current().pid()), "the scan finds this JVM: " + pids);
    NamespaceLabeler labeler = NamespaceLabeler.create(PROC, Path.of("/"));
    assertEquals(NamespaceLabel.host(null), labeler.label(inode, pids, null, true));
  }

  @Test
  void anIpNetnsNamespaceIsNamed() throws Exception {
    Assumptions.assumeTrue(isRoot(), "needs root to create a network namespace (ip netns add)");
    Assumptions.assumeTrue(onPath("ip"), "needs iproute2's ip");
    namespace = "portolan-labels-" + ProcessHandle.current().pid();
    run("ip", "netns", "del", namespace);
    assertEquals(0, run("ip", "netns", "add", namespace), "ip netns add " + namespace);
    Process sleeper = start("ip", "netns", "exec", namespace, "sleep", "60");
    long inode = statInode(Path.of("/run/netns", namespace));
    awaitNamespace(sleeper.pid(), inode);
    List<Integer> pids = pidsIn(inode);
    assertEquals(List.of((int) sleeper.pid()), pids, "the sleeper alone is in it");
    NamespaceLabel label =
        NamespaceLabeler.create(PROC, Path.of("/")).label(inode, pids, namespace, false);
    assertEquals(Kind.NAMED, label.kind(), label.toString());
    assertEquals(namespace, label.netnsName());
    assertEquals("netns " + namespace, label.text());
  }

  @Test
  void anUnshareNamespaceIsUnknown() throws Exception {
    Assumptions.assumeTrue(isRoot(), "needs root to create a network namespace (unshare -n)");
    Assumptions.assumeTrue(onPath("unshare"), "needs util-linux's unshare");
    Process sleeper = start("unshare", "-n", "sleep", "60");
    long host = inodeOf(ProcessHandle.current().pid());
    long inode = awaitOtherNamespace(sleeper.pid(), host);
    NamespaceLabel label =
        NamespaceLabeler.create(PROC, Path.of("/")).label(inode, pidsIn(inode), null, false);
    assertEquals(NamespaceLabel.unknown(null), label);
  }

  // ---- helpers ----

  private Process start(String... command) throws IOException {
    Process p =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    children.add(p);
    return p;
  }

  /** Polls until {@code pid} is in the namespace {@code inode} (after ip netns exec's setns). */
  private static void awaitNamespace(long pid, long inode) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (inodeOf(pid) != inode) {
      assertTrue(System.nanoTime() < deadline, pid + " never entered namespace " + inode);
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
    }
  }

  /** Polls until {@code pid} (an unshare) has left namespace {@code host}; its new inode. */
  private static long awaitOtherNamespace(long pid, long host) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    long inode;
    while ((inode = inodeOf(pid)) == host || inode < 0) {
      assertTrue(System.nanoTime() < deadline, pid + " never left namespace " + host);
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
    }
    assertNotEquals(host, inode);
    return inode;
  }

  /** The inode of {@code /proc/<pid>/ns/net} ("net:[4026531840]"), or -1. */
  static long inodeOf(long pid) {
    try {
      String link = Files.readSymbolicLink(PROC.resolve(pid + "/ns/net")).toString();
      return Long.parseLong(link.substring(link.indexOf('[') + 1, link.indexOf(']')));
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** The pids whose network namespace is {@code inode}, those we may read. */
  static List<Integer> pidsIn(long inode) throws IOException {
    List<Integer> pids = new ArrayList<>();
    try (DirectoryStream<Path> dir = Files.newDirectoryStream(PROC)) {
      for (Path p : dir) {
        String name = p.getFileName().toString();
        if (name.chars().allMatch(Character::isDigit) && inodeOf(Long.parseLong(name)) == inode) {
          pids.add(Integer.parseInt(name));
        }
      }
    }
    return pids;
  }

  private static long statInode(Path file) throws IOException {
    return ((Number) Files.getAttribute(file, "unix:ino")).longValue();
  }

  private static int run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(30, TimeUnit.SECONDS), String.join(" ", command) + " finished");
    return p.exitValue();
  }
}
