package dev.portolan.owner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.socket.Protocol;
import dev.portolan.socket.SocketEntry;
import dev.portolan.socket.SocketReaders;
import dev.portolan.socket.SocketTableReader;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A socket whose holder exits between the table read and the owner lookup is {@link Owner#GONE},
 * not permission-denied (which stays for a real EACCES, such as PID 1's fd table here): a real
 * child process connects, the table is read, the child exits, then the owner is asked.
 */
@Timeout(120)
class GoneOwnerTest {
  private static final int SELF = (int) ProcessHandle.current().pid();

  /** A child connected to {@code listener}, its client socket's row, and the accepted end. */
  private record Connected(Process child, SocketEntry clientRow, Socket accepted) {}

  private static Connected connect(ServerSocket listener, SocketTableReader reader)
      throws Exception {
    String java = ProcessHandle.current().info().command().orElseThrow();
    Process child =
        new ProcessBuilder(
                java,
                "-Xmx32m",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path"),
                ConnectingChild.class.getName(),
                Integer.toString(listener.getLocalPort()))
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    String line =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))
            .readLine();
    assertTrue(line != null && line.startsWith("CONNECTED "), "child said " + line);
    int clientPort = Integer.parseInt(line.substring("CONNECTED ".length()));
    Socket accepted = listener.accept();
    SocketEntry row = null;
    for (SocketEntry e : reader.read(EnumSet.of(Protocol.TCP))) {
      if (e.localPort() == clientPort && e.remotePort() == listener.getLocalPort()) {
        row = e;
      }
    }
    assertTrue(row != null && row.inode() != 0, "the child's socket is in the table: " + row);
    return new Connected(child, row, accepted);
  }

  private static void exit(Process child) throws Exception {
    child.getOutputStream().close();
    assertTrue(child.waitFor(30, TimeUnit.SECONDS), "the child exits");
  }

  @Test
  void aClientThatExitedAfterTheReadIsGoneNotPermissionDenied() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        unreadable(1),
        "every fd table is readable here (PID 1's too): an unfound socket is unknown, never"
            + " permission-denied, and no second look is taken");
    SocketTableReader reader = SocketReaders.choose(SocketReaders.Setting.AUTO).reader();
    try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Connected c = connect(listener, reader);
      try (Socket accepted = c.accepted()) {
        List<SocketEntry> table = reader.read(EnumSet.of(Protocol.TCP));
        exit(c.child());

        OwnersByInode owners = OwnerIndex.create().update(table, StillHeld.byReading(reader));

        assertEquals(Owner.GONE, owners.owner(c.clientRow().inode()));
        SocketEntry acceptedRow =
            table.stream()
                .filter(e -> e.localPort() == listener.getLocalPort() && e.remotePort() != 0)
                .findFirst()
                .orElseThrow();
        assertEquals(SELF, owners.owner(acceptedRow.inode()).pid(), "the live end is still ours");
      }
    }
  }

  @Test
  void aHolderThatExitedBeforeALookupIsGone() throws Exception {
    SocketTableReader reader = SocketReaders.choose(SocketReaders.Setting.AUTO).reader();
    try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Connected c = connect(listener, reader);
      try (Socket accepted = c.accepted()) {
        OwnerIndex index = OwnerIndex.create();
        long inode = c.clientRow().inode();
        OwnersByInode sampled =
            index.update(reader.read(EnumSet.of(Protocol.TCP)), StillHeld.byReading(reader));
        assertEquals(c.child().pid(), sampled.owner(inode).pid(), "found while it runs");

        exit(c.child());

        assertEquals(Owner.GONE, index.lookup(inode));
        assertEquals(Owner.GONE, index.lookupAll(List.of(inode)).get(inode));
      }
    }
  }

  private static boolean unreadable(int pid) {
    try (var fds =
        java.nio.file.Files.newDirectoryStream(java.nio.file.Path.of("/proc/" + pid, "fd"))) {
      for (var fd : fds) {
        java.nio.file.Files.readSymbolicLink(fd);
      }
      return false;
    } catch (java.nio.file.AccessDeniedException e) {
      return true;
    } catch (java.io.IOException e) {
      return false;
    }
  }
}
