package dev.portolan.netns;

import dev.portolan.libc.Libc;
import dev.portolan.socket.SocketCounters;
import dev.portolan.socket.netlink.NetlinkException;
import dev.portolan.socket.netlink.NetlinkSocket;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Makes a netlink {@code sock_diag} socket inside another network namespace. A network namespace
 * belongs to a thread, and a socket to the namespace it was made in: a new platform thread enters
 * the namespace ({@code open} of a file that refers to it, {@code setns(fd, CLONE_NEWNET)}), checks
 * that it is in the one meant ({@code /proc/thread-self/ns/net}: a pid may have been reused), makes
 * the socket and ends. Any thread may then use the socket; it reads that namespace until it is
 * closed, and keeps the namespace alive until then. Needs {@code CAP_SYS_ADMIN} (setns).
 */
final class NamespaceEntry {
  private static final Path THREAD_NAMESPACE = Path.of("/proc/thread-self/ns/net");
  private static final long DEADLINE_SECONDS = 10;
  private static final int ENOENT = 2;

  private NamespaceEntry() {}

  /**
   * A sock_diag socket in namespace {@code inode}, entered through the first of {@code files} that
   * works; IOException with the last failure when none does.
   */
  static NetlinkSocket openSockDiag(List<Path> files, long inode) throws IOException {
    return inside(
        files,
        inode,
        () -> NetlinkSocket.open(NetlinkSocket.NETLINK_SOCK_DIAG),
        NetlinkSocket::close);
  }

  /**
   * The namespace's socket counters ({@code /proc/thread-self/net/sockstat}, opened inside it: the
   * open files stay bound to it), entered as {@link #openSockDiag} does.
   */
  static SocketCounters openCounters(List<Path> files, long inode) throws IOException {
    return inside(
        files,
        inode,
        () -> SocketCounters.open(Path.of("/proc/thread-self/net")),
        SocketCounters::close);
  }

  /** What a thread inside the namespace makes. */
  @FunctionalInterface
  interface Inside<T> {
    T make() throws IOException;
  }

  /** Closes what a thread made too late to be used. */
  @FunctionalInterface
  interface Discard<T> {
    void close(T made);
  }

  private static <T> T inside(List<Path> files, long inode, Inside<T> make, Discard<T> discard)
      throws IOException {
    if (!Libc.available()) {
      throw new IOException("no native access (" + Libc.unavailableReason() + ")");
    }
    IOException failure = null;
    for (Path file : files) {
      try {
        return onOwnThread(file, inode, make, discard);
      } catch (InterruptedIOException e) {
        throw e;
      } catch (IOException e) {
        failure = e;
      }
    }
    throw failure != null
        ? failure
        : new IOException("no file refers to namespace " + inode + " (no process, no name)");
  }

  private static <T> T onOwnThread(Path file, long inode, Inside<T> make, Discard<T> discard)
      throws IOException {
    CompletableFuture<T> result = new CompletableFuture<>();
    Thread.ofPlatform()
        .daemon()
        .name("portolan-netns-" + inode)
        .start(
            () -> {
              try {
                enter(file, inode);
                result.complete(make.make());
              } catch (Throwable t) {
                result.completeExceptionally(t);
              }
            });
    try {
      return result.get(DEADLINE_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw io;
      }
      throw new IOException("entering namespace " + inode + ": " + cause, cause);
    } catch (TimeoutException | InterruptedException e) {
      // the thread may still finish: close what it makes
      result.thenAccept(discard::close);
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted entering namespace " + inode);
      }
      throw new IOException("entering namespace " + inode + " took over " + DEADLINE_SECONDS + "s");
    }
  }

  /** On the new thread: into the namespace, and check it. */
  private static void enter(Path file, long inode) throws IOException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = Libc.callState(arena);
      int fd =
          Libc.open(state, arena.allocateFrom(file.toString()), Libc.O_RDONLY | Libc.O_CLOEXEC);
      if (fd < 0) {
        throw new IOException("open " + file + ": " + describe(Libc.errno(state)));
      }
      try {
        if (Libc.setns(state, fd, Libc.CLONE_NEWNET) != 0) {
          throw new IOException("setns " + file + ": " + describe(Libc.errno(state)));
        }
      } finally {
        Libc.close(fd);
      }
    }
    long entered = NamespaceFiles.inodeOfLink(THREAD_NAMESPACE);
    if (entered != inode) {
      throw new IOException(
          file + " led to namespace " + entered + ", not " + inode + " (its pid was reused?)");
    }
  }

  private static String describe(int errno) {
    return errno == ENOENT ? "ENOENT (gone)" : NetlinkException.describe(errno);
  }
}
