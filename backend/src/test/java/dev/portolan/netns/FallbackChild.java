package dev.portolan.netns;

import dev.portolan.socket.Protocol;
import dev.portolan.socket.SocketEntry;
import dev.portolan.socket.SocketReaders;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;

/**
 * Child JVM for {@link NamespaceSocketReaderTest}, run without {@code CAP_SYS_ADMIN}: {@code
 * FallbackChild PID} opens a reader ({@code auto}) of the namespace of PID and prints {@code METHOD
 * ...}, {@code NOTE ...}, then one {@code ROW ...} line per socket, then {@code END}.
 */
public final class FallbackChild {
  private FallbackChild() {}

  public static void main(String[] args) throws Exception {
    long inode = NamespaceFiles.inodeOfLink(Path.of("/proc", args[0], "ns", "net"));
    NetNamespace ns = NamespaceDiscovery.create().discover().get(inode);
    try (NamespaceSocketReader reader =
        NamespaceSocketReader.open(ns, SocketReaders.Setting.AUTO)) {
      System.out.println("METHOD " + reader.method());
      System.out.println("NOTE " + reader.note());
      List<SocketEntry> rows = reader.read(EnumSet.allOf(Protocol.class));
      for (String line : NamespaceSocketReaderTest.normalized(rows)) {
        System.out.println("ROW " + line);
      }
    }
    System.out.println("END");
  }
}
