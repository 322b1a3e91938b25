package dev.portolan.web;

import dev.portolan.socket.KernelSockstat;
import dev.portolan.socket.Protocol;
import dev.portolan.socket.SocketEntry;
import dev.portolan.socket.SocketState;
import dev.portolan.socket.SocketTableReader;
import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The node's real socket table reader, made slow on demand: each read of the table returns the real
 * rows, but not before {@link #holdMillis} have passed since it began. It stands in for a kernel
 * (or /proc) that takes that long to dump a huge table, which cannot be made on demand; the hold is
 * the reader's cost, not a test waiting for something.
 */
public final class SlowReader implements SocketTableReader, AutoCloseable {
  private final SocketTableReader real;
  private volatile long holdMillis;

  public SlowReader(SocketTableReader real) {
    this.real = real;
  }

  /** From now on each read takes at least {@code millis} (0: as long as the real reader takes). */
  public void holdMillis(long millis) {
    this.holdMillis = millis;
  }

  @Override
  public List<SocketEntry> read(Set<Protocol> protocols) throws IOException {
    long started = System.nanoTime();
    List<SocketEntry> rows = real.read(protocols);
    hold(started);
    return rows;
  }

  @Override
  public List<SocketEntry> read(Set<Protocol> protocols, Set<SocketState> states)
      throws IOException {
    long started = System.nanoTime();
    List<SocketEntry> rows = real.read(protocols, states);
    hold(started);
    return rows;
  }

  private void hold(long startedNanos) {
    long until = startedNanos + TimeUnit.MILLISECONDS.toNanos(holdMillis);
    for (long left = until - System.nanoTime(); left > 0; left = until - System.nanoTime()) {
      LockSupport.parkNanos(left);
    }
  }

  @Override
  public KernelSockstat sockstat() throws IOException {
    return real.sockstat();
  }

  @Override
  public String name() {
    return real.name();
  }

  @Override
  public void close() throws Exception {
    if (real instanceof AutoCloseable c) {
      c.close();
    }
  }
}
