package dev.portolan.owner;

import dev.portolan.socket.Family;
import dev.portolan.socket.Protocol;
import dev.portolan.socket.SocketEntry;
import dev.portolan.socket.SocketState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A tiny test-only reader of /proc/net/{tcp,tcp6,udp,udp6}; addresses stay in the kernel's hex. */
final class ProcNetTable {

  private ProcNetTable() {}

  static List<SocketEntry> read() throws IOException {
    List<SocketEntry> all = new ArrayList<>();
    read("tcp", Protocol.TCP, Family.IPV4, all);
    read("tcp6", Protocol.TCP, Family.IPV6, all);
    read("udp", Protocol.UDP, Family.IPV4, all);
    read("udp6", Protocol.UDP, Family.IPV6, all);
    return all;
  }

  private static void read(String file, Protocol proto, Family family, List<SocketEntry> into)
      throws IOException {
    Path path = Path.of("/proc/net", file);
    if (!Files.exists(path)) {
      return;
    }
    List<String> lines = Files.readAllLines(path);
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.trim().split("\\s+");
      String[] local = f[1].split(":");
      String[] remote = f[2].split(":");
      SocketState state = SocketState.ofCode(Integer.parseInt(f[3], 16));
      into.add(
          SocketEntry.inet(
              proto,
              family,
              local[0],
              Integer.parseInt(local[1], 16),
              remote[0],
              Integer.parseInt(remote[1], 16),
              state,
              0,
              0,
              Integer.parseInt(f[7]),
              Long.parseLong(f[9])));
    }
  }

  /** Inode of the listening TCP socket on {@code port}, or 0. */
  static long listenerInode(List<SocketEntry> table, int port) {
    return table.stream()
        .filter(
            s ->
                s.proto() == Protocol.TCP
                    && s.state() == SocketState.LISTEN
                    && s.localPort() == port)
        .mapToLong(SocketEntry::inode)
        .findFirst()
        .orElse(0);
  }
}
