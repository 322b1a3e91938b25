package dev.portolan.socket.netlink;

import dev.portolan.socket.InodeMemo;
import dev.portolan.socket.KernelSockstat;
import dev.portolan.socket.Protocol;
import dev.portolan.socket.SocketEntry;
import dev.portolan.socket.SocketState;
import dev.portolan.socket.SocketTableReader;
import dev.portolan.socket.TextCache;
import dev.portolan.socket.proc.ProcNetReader;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * A {@link SocketTableReader} over {@code NETLINK_SOCK_DIAG}, as {@code ss} reads the table: one
 * dump per family and protocol ({@code inet_diag_req_v2} for TCP and UDP over IPv4 and IPv6, {@code
 * unix_diag_req} for unix sockets), each datagram copied to the heap and parsed there. State
 * filters go to the kernel, so reading only the listeners costs what the listeners cost, not the
 * whole table. Kernel-wide counters ({@link #sockstat()}) still come from {@code
 * /proc/net/sockstat}, two short files.
 *
 * <p>Reads this process's network namespace, or the one its {@link SocketSource} makes sockets in.
 * Methods are synchronized: one dump at a time per reader. After a failed dump the netlink socket
 * is replaced, so a half-read answer never mixes into the next one.
 */
public final class NetlinkSocketReader implements SocketTableReader, AutoCloseable {
  /** The kernel caps one dump datagram at 32 KiB; twice that leaves room. */
  private static final int BUFFER_BYTES = 64 * 1024;

  private final Arena arena = Arena.ofShared();
  private final MemorySegment buffer = arena.allocate(BUFFER_BYTES, 8);
  private final MemorySegment request = arena.allocate(SockDiag.TCP_COMPAT_REQUEST_BYTES, 8);
  private final TextCache cache;
  private final byte[] scratch = new byte[256];

  /**
   * Each received datagram copied to the heap and parsed there: plain array reads, where the
   * agent's C1-only JIT makes each read of native memory a chain of calls. One array per reading
   * thread, shared by every reader that thread uses (a read finishes before the next begins), so
   * that a node's hundreds of namespace readers neither keep 64 KiB each nor allocate it at every
   * read (a young generation of 12 MiB would fill at each sample).
   */
  private static final ThreadLocal<byte[]> COPY =
      ThreadLocal.withInitial(() -> new byte[BUFFER_BYTES]);

  /** {@link #COPY}'s array during a {@link #read}, else null. */
  private byte[] heap;

  private final ProcNetReader counters;
  private final SocketSource source;
  private final boolean ipv6;
  private NetlinkSocket socket;
  private int seq = 1;
  private int lastCount = 16;

  /** The rows of the last full read (every protocol, every state), handed out again unchanged. */
  private final InodeMemo<SocketEntry> previous = new InodeMemo<>();

  /**
   * Whether TCP is read with one dump of both families ({@link SockDiag#TCPDIAG_GETSOCK}); off if
   * refused.
   */
  private boolean tcpInOneDump = true;

  /**
   * Where a reader gets its netlink socket, at the start and again after a failed dump. A socket
   * reads the network namespace it was made in, whichever thread uses it later.
   */
  @FunctionalInterface
  public interface SocketSource {
    /** A new {@code NETLINK_SOCK_DIAG} socket. */
    NetlinkSocket open() throws IOException;
  }

  private NetlinkSocketReader(
      NetlinkSocket socket, SocketSource source, Path countersDir, boolean ipv6, TextCache cache) {
    this.cache = cache;
    this.socket = socket;
    this.source = source;
    this.counters = ProcNetReader.create(countersDir);
    this.ipv6 = ipv6;
  }

  /**
   * Opens a reader and tries one (empty) dump of every kind it will ask for, so that a kernel
   * without sock_diag (or one part of it), a seccomp filter or a refused native access shows here,
   * with the reason, rather than at the first sample. IPv6 dumps are left out when the kernel has
   * no IPv6 ({@code /proc/net/tcp6} absent).
   */
  public static NetlinkSocketReader open() throws IOException {
    return open(() -> NetlinkSocket.open(NetlinkSocket.NETLINK_SOCK_DIAG), Path.of("/proc/net"));
  }

  /**
   * As {@link #open()}, with sockets from {@code source} (another network namespace's, say) and
   * {@link #sockstat()} from {@code countersDir} ({@code /proc/<pid>/net} of a process there).
   */
  public static NetlinkSocketReader open(SocketSource source, Path countersDir) throws IOException {
    return open(source, countersDir, new TextCache());
  }

  /**
   * As {@link #open(SocketSource, Path)}, parsing texts through {@code cache}, which readers used
   * by one thread at a time may share (a node's namespace readers: one cache for hundreds of them,
   * not ~150 KB of heap each).
   */
  public static NetlinkSocketReader open(SocketSource source, Path countersDir, TextCache cache)
      throws IOException {
    NetlinkSocket socket = source.open();
    boolean ipv6 = Files.exists(Path.of("/proc/net/tcp6"));
    NetlinkSocketReader reader = new NetlinkSocketReader(socket, source, countersDir, ipv6, cache);
    try {
      reader.read(Set.of(Protocol.TCP, Protocol.UDP, Protocol.UNIX), Set.of(SocketState.LISTEN));
    } catch (IOException | RuntimeException e) {
      reader.close();
      throw e;
    }
    return reader;
  }

  @Override
  public List<SocketEntry> read(Set<Protocol> protocols) throws IOException {
    return read(protocols, null);
  }

  /**
   * Only sockets in one of {@code states} (every state for null or empty), filtered by the kernel.
   */
  @Override
  public synchronized List<SocketEntry> read(Set<Protocol> protocols, Set<SocketState> states)
      throws IOException {
    int mask = SockDiag.stateMask(states);
    List<SocketEntry> entries = new ArrayList<>(lastCount + lastCount / 8);
    boolean full = mask == SockDiag.ALL_STATES;
    boolean whole = full && protocols.containsAll(EnumSet.allOf(Protocol.class));
    if (whole) {
      previous.start(lastCount + lastCount / 8);
    }
    heap = COPY.get();
    try {
      if (socket == null) {
        socket = source.open();
      }
      if (protocols.contains(Protocol.TCP)) {
        readTcp(mask, entries);
      }
      if (protocols.contains(Protocol.UDP)) {
        dumpInet(Protocol.UDP, SockDiag.AF_INET, SockDiag.IPPROTO_UDP, mask, entries);
        if (ipv6) {
          dumpInet(Protocol.UDP, SockDiag.AF_INET6, SockDiag.IPPROTO_UDP, mask, entries);
        }
      }
      if (protocols.contains(Protocol.UNIX)) {
        SockDiag.writeUnixRequest(request, ++seq, mask);
        dump(request.asSlice(0, SockDiag.UNIX_REQUEST_BYTES), null, entries);
      }
    } catch (IOException | RuntimeException e) {
      if (socket != null) {
        socket.close();
        socket = null;
      }
      previous.abandon();
      throw e;
    } finally {
      heap = null;
    }
    previous.finish();
    if (full) {
      lastCount = Math.max(16, entries.size());
    }
    return entries;
  }

  /**
   * Reads TCP with one {@code inet_diag_req_v2} dump per family from now on (tests compare both
   * ways).
   */
  synchronized void useOneTcpDumpPerFamily() {
    tcpInOneDump = false;
  }

  @Override
  public KernelSockstat sockstat() throws IOException {
    synchronized (counters) {
      return counters.sockstat();
    }
  }

  @Override
  public String name() {
    return "netlink";
  }

  @Override
  public synchronized void close() {
    if (socket != null) {
      socket.close();
      socket = null;
    }
  }

  /**
   * TCP over both families. Each dump walks the kernel's whole established hash (262,144 buckets on
   * a 24 GiB host, about a millisecond even when empty), so one dump for both families, as {@code
   * ss} does, rather than one per family; a kernel that refuses the old request type gets the two
   * {@code inet_diag_req_v2} dumps.
   */
  private void readTcp(int mask, List<SocketEntry> entries) throws IOException {
    if (tcpInOneDump) {
      int before = entries.size();
      SockDiag.writeTcpCompatRequest(request, ++seq, mask);
      try {
        dump(request.asSlice(0, SockDiag.TCP_COMPAT_REQUEST_BYTES), Protocol.TCP, entries);
        return;
      } catch (NetlinkException e) {
        if (e.errno() != NetlinkException.EINVAL
            && e.errno() != NetlinkException.ENOENT
            && e.errno() != NetlinkException.EOPNOTSUPP) {
          throw e;
        }
        tcpInOneDump = false;
        entries.subList(before, entries.size()).clear();
      }
    }
    dumpInet(Protocol.TCP, SockDiag.AF_INET, SockDiag.IPPROTO_TCP, mask, entries);
    if (ipv6) {
      dumpInet(Protocol.TCP, SockDiag.AF_INET6, SockDiag.IPPROTO_TCP, mask, entries);
    }
  }

  private void dumpInet(Protocol proto, byte family, byte ipProto, int mask, List<SocketEntry> out)
      throws IOException {
    SockDiag.writeInetRequest(request, ++seq, family, ipProto, mask);
    dump(request.asSlice(0, SockDiag.INET_REQUEST_BYTES), proto, out);
  }

  /**
   * Sends one dump request and parses the answer until NLMSG_DONE. {@code proto} null: a unix dump.
   */
  private void dump(MemorySegment message, Protocol proto, List<SocketEntry> out)
      throws IOException {
    int expected = seq; // the request was just written with it
    socket.send(message);
    while (true) {
      int length = socket.receive(buffer);
      if (length == 0) {
        throw new NetlinkException(
            "sock_diag dump: no answer from the kernel", NetlinkException.EAGAIN);
      }
      MemorySegment.copy(buffer, ValueLayout.JAVA_BYTE, 0, heap, 0, length);
      int at = 0;
      while (at + SockDiag.NLMSG_HDRLEN <= length) {
        int size = SockDiag.messageLength(heap, at);
        if (size < SockDiag.NLMSG_HDRLEN || at + size > length) {
          throw new NetlinkException("sock_diag dump: malformed message of " + size + " bytes", 0);
        }
        int type = SockDiag.messageType(heap, at);
        boolean ours = SockDiag.messageSeq(heap, at) == expected;
        if (ours && type == SockDiag.NLMSG_DONE) {
          int code = SockDiag.errorCode(heap, at, size);
          if (code < 0) {
            throw new NetlinkException("sock_diag dump " + what(proto, message), -code);
          }
          return;
        }
        if (ours && type == SockDiag.NLMSG_ERROR) {
          int code = SockDiag.errorCode(heap, at, size);
          throw new NetlinkException(
              "sock_diag dump " + what(proto, message), code < 0 ? -code : code);
        }
        if (ours && (type == SockDiag.SOCK_DIAG_BY_FAMILY || type == SockDiag.TCPDIAG_GETSOCK)) {
          int msg = at + SockDiag.NLMSG_HDRLEN;
          SocketEntry e =
              proto == null
                  ? (size >= SockDiag.NLMSG_HDRLEN + SockDiag.UNIX_DIAG_MSG_BYTES
                      ? SockDiag.parseUnix(heap, msg, at + size, cache, scratch, previous)
                      : null)
                  : (size >= SockDiag.NLMSG_HDRLEN + SockDiag.INET_DIAG_MSG_BYTES
                      ? SockDiag.parseInet(heap, msg, proto, cache, previous)
                      : null);
          if (e != null) {
            out.add(e);
            previous.record(e.inode(), e);
          }
        }
        at += SockDiag.align(size);
      }
    }
  }

  private static String what(Protocol proto, MemorySegment request) {
    if (proto == null) {
      return "(unix)";
    }
    int family = request.get(java.lang.foreign.ValueLayout.JAVA_BYTE, SockDiag.NLMSG_HDRLEN);
    return "(" + proto.wireName() + (family == SockDiag.AF_INET6 ? "6" : "") + ")";
  }
}
