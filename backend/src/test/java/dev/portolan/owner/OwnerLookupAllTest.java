package dev.portolan.owner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.portolan.socket.Protocol;
import dev.portolan.socket.SocketEntry;
import dev.portolan.socket.proc.ProcNetReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** lookupAll answers like lookup, each socket confirmed, for many sockets at once. */
class OwnerLookupAllTest {
  private static final int SELF = (int) ProcessHandle.current().pid();

  @Test
  void confirmsEachSocketAndNeverAnswersForAClosedOne() throws Exception {
    ProcNetReader reader = ProcNetReader.create();
    OwnerIndex index = OwnerIndex.create();
    List<ServerSocket> open = new ArrayList<>();
    try {
      for (int i = 0; i < 5; i++) {
        open.add(new ServerSocket(0, 5, InetAddress.getLoopbackAddress()));
      }
      List<SocketEntry> table = reader.read(EnumSet.of(Protocol.TCP));
      index.update(table);
      List<Long> inodes = new ArrayList<>();
      for (ServerSocket s : open) {
        inodes.add(
            table.stream()
                .filter(e -> e.localPort() == s.getLocalPort())
                .findFirst()
                .orElseThrow()
                .inode());
      }
      inodes.add(0L);
      Map<Long, Owner> owners = index.lookupAll(inodes);
      for (int i = 0; i < 5; i++) {
        assertEquals(SELF, owners.get(inodes.get(i)).pid());
      }
      assertEquals(Owner.KERNEL, owners.get(0L));

      open.getFirst().close();
      Owner gone = index.lookupAll(List.of(inodes.getFirst())).get(inodes.getFirst());
      assertNotEquals(
          OwnerStatus.PROCESS, gone.status(), "a closed socket is never attributed: " + gone);
    } finally {
      for (ServerSocket s : open) {
        s.close();
      }
    }
  }
}
