package dev.portolan.verticles;

import dev.portolan.socket.Family;
import dev.portolan.socket.KernelSockstat;
import dev.portolan.socket.Protocol;
import dev.portolan.socket.SocketEntry;
import dev.portolan.socket.SocketState;
import dev.portolan.socket.SocketTableReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A socket table reader that returns the rows it was given (a plain fake of the netlink reader,
 * which cannot be made to hold a chosen table): {@link #set} changes what the next read returns,
 * {@link #failNext} makes reads throw, and it says whether it was closed.
 */
final class FixedTable implements SocketTableReader, AutoCloseable {
  private volatile List<SocketEntry> rows;
  private final AtomicInteger failures = new AtomicInteger();
  private final AtomicInteger reads = new AtomicInteger();
  private final AtomicBoolean closed = new AtomicBoolean();

  FixedTable(List<SocketEntry> rows) {
    this.rows = List.copyOf(rows);
  }

  /** A TCP listener on 0.0.0.0:{@code port}. */
  static SocketEntry listener(int port, long inode) {
    return SocketEntry.inet(
        Protocol.TCP,
        Family.IPV4,
        "0.0.0.0",
        port,
        "0.0.0.0",
        0,
        SocketState.LISTEN,
        0,
        0,
        1000,
        inode);
  }

  /** An established TCP connection from 10.0.0.9:{@code remotePort} to local port {@code port}. */
  static SocketEntry connection(int port, int remotePort, long inode) {
    return SocketEntry.inet(
        Protocol.TCP,
        Family.IPV4,
        "10.0.0.1",
        port,
        "10.0.0.9",
        remotePort,
        SocketState.ESTABLISHED,
        0,
        0,
        1000,
        inode);
  }

  /** A UDP socket bound to 0.0.0.0:{@code port}. */
  static SocketEntry udp(int port, long inode) {
    return SocketEntry.inet(
        Protocol.UDP,
        Family.IPV4,
        "0.0.0.0",
        port,
        "0.0.0.0",
        0,
        SocketState.CLOSE,
        0,
        0,
        0,
        inode);
  }

  /** From the next read on, the table is {@code rows}. */
  void set(List<SocketEntry> rows) {
    this.rows = List.copyOf(rows);
  }

  /** The next {@code n} reads throw. */
  void failNext(int n) {
    failures.set(n);
  }

  int reads() {
    return reads.get();
  }

  boolean closed() {
    return closed.get();
  }

  @Override
  public List<SocketEntry> read(Set<Protocol> protocols) throws IOException {
    reads.incrementAndGet();
    if (failures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      throw new IOException("the fixed table fails as asked");
    }
    List<SocketEntry> kept = new ArrayList<>();
    for (SocketEntry e : rows) {
      if (protocols.contains(e.proto())) {
        kept.add(e);
      }
    }
    return kept;
  }

  @Override
  public KernelSockstat sockstat() {
    return new KernelSockstat(Map.of("sockets", Map.of("used", (long) rows.size())));
  }

  @Override
  public String name() {
    return "fixed";
  }

  @Override
  public void close() {
    closed.set(true);
  }
}
