package dev.portolan.bench;

import dev.portolan.owner.OwnerIndex;
import dev.portolan.sampling.Sampler;
import dev.portolan.socket.Protocol;
import dev.portolan.socket.SocketEntry;
import dev.portolan.socket.SocketReaders;
import dev.portolan.socket.SocketState;
import dev.portolan.socket.SocketTableReader;
import java.io.IOException;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Portolan's domain classes driven in this JVM with one socket table reader (netlink or /proc), one
 * instance per reader and population so every index starts cold and is warmed by the benchmark's
 * warm-up runs: the operations the benchmark times against {@code ss}, {@code netstat}, {@code
 * lsof} and {@code cat}.
 */
final class InProcessPortolan implements AutoCloseable {
  private static final Set<Protocol> TCP = EnumSet.of(Protocol.TCP);
  private static final Set<SocketState> LISTEN = EnumSet.of(SocketState.LISTEN);

  private final SocketTableReader reader;
  private final OwnerIndex tcpOwners = OwnerIndex.create();
  private final Sampler sampler;

  private InProcessPortolan(SocketTableReader reader, SocketTableReader samplerReader) {
    this.reader = reader;
    this.sampler =
        new Sampler("bench", samplerReader, OwnerIndex.create(), System::currentTimeMillis);
  }

  /**
   * With the reader of {@code setting} ({@code NETLINK} or {@code PROC}, never falling back): an
   * IOException says why netlink cannot be used here.
   */
  static InProcessPortolan open(SocketReaders.Setting setting) throws IOException {
    SocketTableReader reader = SocketReaders.choose(setting).reader();
    try {
      return new InProcessPortolan(reader, SocketReaders.choose(setting).reader());
    } catch (IOException | RuntimeException e) {
      close(reader);
      throw e;
    }
  }

  /** "netlink" or "proc". */
  String readerName() {
    return reader.name();
  }

  /**
   * The TCP table (v4 + v6) with the owner of every socket: like {@code ss -tanp}. Returns the row
   * count.
   */
  int tcpTableWithOwners() throws IOException {
    List<SocketEntry> table = reader.read(TCP);
    return Sampler.withOwners(table, tcpOwners.update(table)).size();
  }

  /** The TCP table without owners: like {@code ss -tan}. */
  int tcpTable() throws IOException {
    return reader.read(TCP).size();
  }

  /**
   * Listening TCP sockets only, like {@code ss -ltn}: {@code read(TCP, {LISTEN})}, which netlink
   * filters in the kernel and the /proc reader by reading the whole table and keeping the
   * listeners.
   */
  int tcpListeners() throws IOException {
    return reader.read(TCP, LISTEN).size();
  }

  /**
   * What the agent does every interval: every protocol, owners, sockstat, diff against the last
   * sample.
   */
  int fullSample() throws IOException {
    return sampler.sample().snapshot().sockets().size();
  }

  OwnerIndex.Stats tcpOwnerStats() {
    return tcpOwners.stats();
  }

  @Override
  public void close() {
    close(reader);
    sampler.close();
  }

  private static void close(SocketTableReader r) {
    if (r instanceof AutoCloseable c) {
      try {
        c.close();
      } catch (Exception ignored) {
        // a netlink socket: gone with the process anyway
      }
    }
  }
}
