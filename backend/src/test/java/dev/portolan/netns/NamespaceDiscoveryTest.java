package dev.portolan.netns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Discovery on this host's real /proc and /run/netns: the own and host namespaces, named ones
 * appearing and going, stale names ignored. The parts with namespaces of their own need root and
 * iproute2 and skip with the reason otherwise.
 */
class NamespaceDiscoveryTest {

  @Test
  void namespaceLinksParse() throws IOException {
    assertEquals(4026531840L, NamespaceFiles.parseLink("net:[4026531840]"));
    assertThrows(IOException.class, () -> NamespaceFiles.parseLink("mnt:[4026531840]"));
    assertThrows(IOException.class, () -> NamespaceFiles.parseLink("net:[]"));
    assertThrows(IOException.class, () -> NamespaceFiles.parseLink("net:[12x]"));
  }

  @Test
  void theOwnNamespaceIsFirstAndHoldsThisProcess() throws IOException {
    DiscoveredNamespaces found = NamespaceDiscovery.create().discover();
    NetNamespace own = found.namespaces().getFirst();
    assertTrue(own.own(), found::toString);
    assertEquals(found.ownInode(), own.inode());
    assertEquals(NamespaceFiles.inodeOfLink(Path.of("/proc/self/ns/net")), own.inode());
    assertTrue(own.pidCount() >= 1, own::toString);
    assertFalse(found.foreign().contains(own));
    NetNamespace host = found.get(found.hostInode());
    assertNotNull(host);
    assertTrue(host.host());
    if (found.hostSource().equals("pid 1")) {
      assertEquals(NamespaceFiles.inodeOfLink(Path.of("/proc/1/ns/net")), host.inode());
    } else {
      assertEquals(found.ownInode(), host.inode(), found.hostSource());
    }
  }

  /**
   * An unchanged {@code /run/netns} is not listed again, but a name not mounted yet (an {@code ip
   * netns add} between its file and its mount) is looked at again each call, and a name added or
   * removed moves the directory's mtime.
   */
  @Test
  void namesAreListedAgainWhenTheDirectoryChangesAndUnmountedOnesEachCall(
      @TempDir Path runNetns, @TempDir Path elsewhere) throws IOException {
    Netns.assumeRootAndTools();
    try (Netns netns = new Netns()) {
      String name = netns.add("later");
      long inode = NamespaceFiles.inode(Path.of("/run/netns", name));
      Path pending = elsewhere.resolve("pending");
      Files.writeString(pending, "");
      Files.createSymbolicLink(runNetns.resolve(name), pending);
      Files.setLastModifiedTime(runNetns, FileTime.fromMillis(System.currentTimeMillis() - 60_000));
      NamespaceDiscovery discovery = new NamespaceDiscovery(Path.of("/proc"), runNetns);
      assertEquals(null, discovery.discover().get(inode), "a plain file: not a namespace yet");

      Files.delete(pending); // "mounted" now, the directory unchanged
      Files.createSymbolicLink(pending, Path.of("/run/netns", name));
      DiscoveredNamespaces mounted = discovery.discover();
      assertNotNull(mounted.get(inode), () -> "mounted after its file: found in " + mounted);
      assertEquals(name, mounted.get(inode).name());

      Files.delete(runNetns.resolve(name));
      DiscoveredNamespaces removed = discovery.discover();
      assertTrue(removed.gone().contains(inode), () -> "its name removed: gone in " + removed);
    }
  }

  @Test
  void aNamedNamespaceAppearsAndGoesAndAStaleNameIsIgnored(@TempDir Path runNetns)
      throws IOException {
    Netns.assumeRootAndTools();
    try (Netns netns = new Netns()) {
      String name = netns.add("disc");
      // a copy of /run/netns of our own: the live bind mount, seen through a link, and a stale name
      Files.createSymbolicLink(runNetns.resolve(name), Path.of("/run/netns", name));
      Files.writeString(runNetns.resolve("stale"), "");
      NamespaceDiscovery discovery = new NamespaceDiscovery(Path.of("/proc"), runNetns);
      DiscoveredNamespaces first = discovery.discover();
      long inode = NamespaceFiles.inode(Path.of("/run/netns", name));
      NetNamespace named = first.get(inode);
      assertNotNull(named, () -> name + " (" + inode + ") in " + first);
      assertEquals(name, named.name());
      assertEquals(List.of(), named.pids(), "no process is in it");
      assertTrue(first.appeared().contains(inode), "the first discovery: all appeared");
      assertTrue(
          first.namespaces().stream().noneMatch(n -> "stale".equals(n.name())),
          "a plain file is no namespace");

      DiscoveredNamespaces again = discovery.discover();
      assertFalse(again.appeared().contains(inode), "still there: not new");
      assertFalse(again.gone().contains(inode));

      netns.delete(name);
      DiscoveredNamespaces after = discovery.discover();
      assertTrue(after.gone().contains(inode), () -> "gone after ip netns del: " + after);
      assertEquals(null, after.get(inode));
    }
  }
}
