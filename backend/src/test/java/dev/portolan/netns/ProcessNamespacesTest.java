package dev.portolan.netns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The namespace of a real process, read from the real /proc. */
class ProcessNamespacesTest {
  private static final Path PROC = Path.of("/proc");
  private static final int SELF = (int) ProcessHandle.current().pid();

  private static long ownInode() throws Exception {
    String link = Files.readSymbolicLink(PROC.resolve("self/ns/net")).toString();
    return Long.parseLong(link.substring(link.indexOf('[') + 1, link.indexOf(']')));
  }

  @Test
  void withoutASampleTheOwnNamespaceIsUnlabelled() throws Exception {
    assertEquals(SocketNamespace.of(ownInode()), ProcessNamespaces.of(PROC, SELF, null));
  }

  @Test
  void theLastSampleSaysWhatItIs() throws Exception {
    SocketNamespace host = new SocketNamespace(ownInode(), NamespaceLabel.host(null));
    NodeNamespaces.Sample sample =
        new NodeNamespaces.Sample(List.of(), host, Map.of(host.inode(), host), List.of());
    assertEquals(host, ProcessNamespaces.of(PROC, SELF, sample));
  }

  @Test
  void aNamespaceTheSampleDidNotReadIsUnknown() throws Exception {
    SocketNamespace other = new SocketNamespace(1, NamespaceLabel.host(null));
    NodeNamespaces.Sample sample =
        new NodeNamespaces.Sample(List.of(), other, Map.of(1L, other), List.of());
    SocketNamespace found = ProcessNamespaces.of(PROC, SELF, sample);
    assertEquals(ownInode(), found.inode());
    assertEquals(NamespaceLabel.Kind.UNKNOWN, found.kind());
  }

  @Test
  void aProcessThatIsGoneHasNone() {
    assertNull(ProcessNamespaces.of(PROC, 0x7fff_fff0, null));
  }
}
