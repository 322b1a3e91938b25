package dev.portolan.cluster;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Forwards TCP from {@code 127.0.0.1:port()} in this JVM's network namespace to an address inside
 * another network namespace, so that the test reaches a server there without any interface, address
 * or route in its own namespace.
 *
 * <p>How: one platform thread of this JVM enters the other namespace with {@code setns(2)} (a
 * network namespace is per thread) and only opens the outgoing sockets there; a socket stays in the
 * namespace it was created in, so the bytes are then copied by ordinary threads. Needs root ({@code
 * CAP_SYS_ADMIN}).
 */
final class NamespaceRelay implements AutoCloseable {
  private static final int CLONE_NEWNET = 0x40000000;
  private static final int O_RDONLY = 0;
  private static final int O_CLOEXEC = 0x80000;

  private final ServerSocketChannel server;
  private final InetSocketAddress target;
  private final ExecutorService inNamespace;
  private final List<SocketChannel> open = new CopyOnWriteArrayList<>();
  private final Thread acceptor;

  private NamespaceRelay(
      ServerSocketChannel server, InetSocketAddress target, ExecutorService inNamespace) {
    this.server = server;
    this.target = target;
    this.inNamespace = inNamespace;
    this.acceptor =
        Thread.ofPlatform()
            .daemon()
            .name("relay-accept-" + server.socket().getLocalPort())
            .start(this::acceptLoop);
  }

  /**
   * Starts relaying to {@code target} inside the namespace {@code ip netns} knows as {@code
   * namespace}.
   */
  static NamespaceRelay to(String namespace, InetSocketAddress target) throws Exception {
    ExecutorService thread =
        Executors.newSingleThreadExecutor(
            r -> Thread.ofPlatform().daemon().name("relay-in-" + namespace).unstarted(r));
    try {
      thread.submit(() -> enter("/run/netns/" + namespace)).get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      thread.shutdownNow();
      throw e;
    }
    ServerSocketChannel server = ServerSocketChannel.open();
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    return new NamespaceRelay(server, target, thread);
  }

  int port() {
    return server.socket().getLocalPort();
  }

  /** This thread into the network namespace bound at {@code path}; fails with errno. */
  private static Void enter(String path) throws Exception {
    try {
      return enterOrThrow(path);
    } catch (Exception | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  private static Void enterOrThrow(String path) throws Throwable {
    Linker linker = Linker.nativeLinker();
    SymbolLookup libc = linker.defaultLookup();
    Linker.Option errno = Linker.Option.captureCallState("errno");
    MemoryLayout stateLayout = Linker.Option.captureStateLayout();
    VarHandle errnoHandle = stateLayout.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    MethodHandle open =
        linker.downcallHandle(
            libc.findOrThrow("open"),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT),
            errno);
    MethodHandle setns =
        linker.downcallHandle(
            libc.findOrThrow("setns"),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT),
            errno);
    MethodHandle close =
        linker.downcallHandle(
            libc.findOrThrow("close"),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(stateLayout);
      int fd = (int) open.invokeExact(state, arena.allocateFrom(path), O_RDONLY | O_CLOEXEC);
      if (fd < 0) {
        throw new IOException("open " + path + ": errno " + (int) errnoHandle.get(state, 0L));
      }
      try {
        int rc = (int) setns.invokeExact(state, fd, CLONE_NEWNET);
        if (rc != 0) {
          throw new IOException("setns " + path + ": errno " + (int) errnoHandle.get(state, 0L));
        }
      } finally {
        int ignored = (int) close.invokeExact(fd);
      }
    }
    return null;
  }

  private void acceptLoop() {
    while (server.isOpen()) {
      SocketChannel client;
      try {
        client = server.accept();
      } catch (IOException e) {
        return; // closed
      }
      open.add(client);
      SocketChannel upstream;
      try {
        upstream = inNamespace.submit(() -> SocketChannel.open(target)).get(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        closeQuietly(client);
        continue;
      }
      open.add(upstream);
      Thread.ofVirtual().start(() -> pump(client, upstream));
      Thread.ofVirtual().start(() -> pump(upstream, client));
    }
  }

  private void pump(SocketChannel from, SocketChannel to) {
    ByteBuffer buffer = ByteBuffer.allocate(16 * 1024);
    try {
      while (from.read(buffer) >= 0) {
        buffer.flip();
        while (buffer.hasRemaining()) {
          to.write(buffer);
        }
        buffer.clear();
      }
      to.shutdownOutput();
    } catch (IOException e) {
      closeQuietly(from);
      closeQuietly(to);
    }
  }

  private static void closeQuietly(SocketChannel c) {
    try {
      c.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }

  @Override
  public void close() throws Exception {
    server.close();
    open.forEach(NamespaceRelay::closeQuietly);
    inNamespace.shutdownNow();
    acceptor.join(5_000);
  }
}
