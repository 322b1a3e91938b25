package dev.portolan.libc;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.Locale;

/**
 * The libc socket functions (and {@code open}, {@code setns}) Portolan calls directly (the Foreign
 * Function and Memory API: no JNI, no native library of ours), looked up once for the netlink
 * sockets and the scanner's TCP probes. Linux only.
 *
 * <p>Every call but {@link #close} takes a <em>call state</em> ({@link #callState}) as its first
 * argument, where the call leaves its {@code errno} ({@code Linker.Option.captureCallState}); read
 * it with {@link #errno} right after a call that failed. A call state belongs to one thread at a
 * time; the functions themselves are thread-safe. They return what libc returns (-1 on failure) and
 * throw only when libc cannot be called here at all ({@link IllegalStateException}: see {@link
 * #available()}).
 */
public final class Libc {
  public static final int AF_INET = 2;
  public static final int AF_INET6 = 10;
  public static final int AF_NETLINK = 16;
  public static final int SOCK_STREAM = 1;
  public static final int SOCK_DGRAM = 2;
  public static final int SOCK_RAW = 3;
  public static final int SOCK_NONBLOCK = 0x800;
  public static final int SOCK_CLOEXEC = 0x80000;
  public static final int SOL_SOCKET = 1;
  public static final int O_RDONLY = 0;
  public static final int O_CLOEXEC = 0x80000;
  public static final int CLONE_NEWNET = 0x40000000;

  // static finals, so that the JIT treats the handles as constants (the scanner calls connect 65535
  // times a scan)
  private static final MethodHandle SOCKET;
  private static final MethodHandle BIND;
  private static final MethodHandle CONNECT;
  private static final MethodHandle SETSOCKOPT;
  private static final MethodHandle GETSOCKNAME;
  private static final MethodHandle SENDTO;
  private static final MethodHandle RECV;
  private static final MethodHandle CLOSE;
  private static final MethodHandle OPEN;
  private static final MethodHandle SETNS;
  private static final StructLayout CALL_STATE;
  private static final VarHandle ERRNO;
  private static final String FAILURE;

  static {
    MethodHandle socket = null;
    MethodHandle bind = null;
    MethodHandle connect = null;
    MethodHandle setsockopt = null;
    MethodHandle getsockname = null;
    MethodHandle sendto = null;
    MethodHandle recv = null;
    MethodHandle close = null;
    MethodHandle open = null;
    MethodHandle setns = null;
    StructLayout state = null;
    VarHandle errno = null;
    String failure = null;
    String os = System.getProperty("os.name", "");
    if (!os.toLowerCase(Locale.ROOT).contains("linux")) {
      failure = "not Linux: " + os;
    } else {
      try {
        Linker linker = Linker.nativeLinker();
        Linker.Option ccs = Linker.Option.captureCallState("errno");
        state = Linker.Option.captureStateLayout();
        errno = state.varHandle(MemoryLayout.PathElement.groupElement("errno"));
        SymbolLookup lookup = linker.defaultLookup();
        ValueLayout.OfInt i = ValueLayout.JAVA_INT;
        ValueLayout.OfLong l = ValueLayout.JAVA_LONG;
        ValueLayout p = ValueLayout.ADDRESS;
        socket =
            linker.downcallHandle(
                lookup.findOrThrow("socket"), FunctionDescriptor.of(i, i, i, i), ccs);
        bind =
            linker.downcallHandle(
                lookup.findOrThrow("bind"), FunctionDescriptor.of(i, i, p, i), ccs);
        connect =
            linker.downcallHandle(
                lookup.findOrThrow("connect"), FunctionDescriptor.of(i, i, p, i), ccs);
        setsockopt =
            linker.downcallHandle(
                lookup.findOrThrow("setsockopt"), FunctionDescriptor.of(i, i, i, i, p, i), ccs);
        getsockname =
            linker.downcallHandle(
                lookup.findOrThrow("getsockname"), FunctionDescriptor.of(i, i, p, p), ccs);
        sendto =
            linker.downcallHandle(
                lookup.findOrThrow("sendto"), FunctionDescriptor.of(l, i, p, l, i, p, i), ccs);
        recv =
            linker.downcallHandle(
                lookup.findOrThrow("recv"), FunctionDescriptor.of(l, i, p, l, i), ccs);
        close = linker.downcallHandle(lookup.findOrThrow("close"), FunctionDescriptor.of(i, i));
        // open(path, flags, ...): the mode is the first variadic argument
        open =
            linker.downcallHandle(
                lookup.findOrThrow("open"),
                FunctionDescriptor.of(i, p, i, i),
                ccs,
                Linker.Option.firstVariadicArg(2));
        setns =
            linker.downcallHandle(lookup.findOrThrow("setns"), FunctionDescriptor.of(i, i, i), ccs);
      } catch (Throwable t) {
        socket = bind = connect = setsockopt = getsockname = sendto = recv = close = null;
        open = setns = null;
        state = null;
        errno = null;
        failure = "native access refused: " + t.getMessage();
      }
    }
    SOCKET = socket;
    BIND = bind;
    CONNECT = connect;
    SETSOCKOPT = setsockopt;
    GETSOCKNAME = getsockname;
    SENDTO = sendto;
    RECV = recv;
    CLOSE = close;
    OPEN = open;
    SETNS = setns;
    CALL_STATE = state;
    ERRNO = errno;
    FAILURE = failure;
  }

  private Libc() {}

  /**
   * Whether libc can be called here (Linux, native access allowed); see {@link #unavailableReason}.
   */
  public static boolean available() {
    return FAILURE == null;
  }

  /**
   * Why {@link #available()} is false ("not Linux: ...", "native access refused: ..."), or null.
   */
  public static String unavailableReason() {
    return FAILURE;
  }

  /** A call state (where a call leaves its errno) in {@code arena}. */
  public static MemorySegment callState(Arena arena) {
    requireAvailable();
    return arena.allocate(CALL_STATE);
  }

  /** The errno the last call given {@code state} left there. */
  public static int errno(MemorySegment state) {
    return (int) ERRNO.get(state, 0L);
  }

  /** {@code socket(domain, type, protocol)}: a descriptor, or -1. */
  public static int socket(MemorySegment state, int domain, int type, int protocol) {
    requireAvailable();
    try {
      return (int) SOCKET.invokeExact(state, domain, type, protocol);
    } catch (Throwable t) {
      throw failed(t);
    }
  }

  /** {@code bind(fd, address, length)}: 0, or -1. */
  public static int bind(MemorySegment state, int fd, MemorySegment address, int length) {
    requireAvailable();
    try {
      return (int) BIND.invokeExact(state, fd, address, length);
    } catch (Throwable t) {
      throw failed(t);
    }
  }

  /** {@code connect(fd, address, length)}: 0, or -1. */
  public static int connect(MemorySegment state, int fd, MemorySegment address, int length) {
    requireAvailable();
    try {
      return (int) CONNECT.invokeExact(state, fd, address, length);
    } catch (Throwable t) {
      throw failed(t);
    }
  }

  /** {@code setsockopt(fd, level, option, value, length)}: 0, or -1. */
  public static int setsockopt(
      MemorySegment state, int fd, int level, int option, MemorySegment value, int length) {
    requireAvailable();
    try {
      return (int) SETSOCKOPT.invokeExact(state, fd, level, option, value, length);
    } catch (Throwable t) {
      throw failed(t);
    }
  }

  /** {@code getsockname(fd, address, length)} ({@code length}: an int in and out): 0, or -1. */
  public static int getsockname(
      MemorySegment state, int fd, MemorySegment address, MemorySegment length) {
    requireAvailable();
    try {
      return (int) GETSOCKNAME.invokeExact(state, fd, address, length);
    } catch (Throwable t) {
      throw failed(t);
    }
  }

  /** {@code sendto(fd, buffer, length, flags, address, addressLength)}: bytes sent, or -1. */
  public static long sendto(
      MemorySegment state,
      int fd,
      MemorySegment buffer,
      long length,
      int flags,
      MemorySegment address,
      int addressLength) {
    requireAvailable();
    try {
      return (long) SENDTO.invokeExact(state, fd, buffer, length, flags, address, addressLength);
    } catch (Throwable t) {
      throw failed(t);
    }
  }

  /** {@code recv(fd, buffer, length, flags)}: bytes received, or -1. */
  public static long recv(
      MemorySegment state, int fd, MemorySegment buffer, long length, int flags) {
    requireAvailable();
    try {
      return (long) RECV.invokeExact(state, fd, buffer, length, flags);
    } catch (Throwable t) {
      throw failed(t);
    }
  }

  /** {@code close(fd)}: 0, or -1 (its errno is not kept). */
  public static int close(int fd) {
    requireAvailable();
    try {
      return (int) CLOSE.invokeExact(fd);
    } catch (Throwable t) {
      throw failed(t);
    }
  }

  /** {@code open(path, flags)} ({@code path} a NUL-terminated string): a descriptor, or -1. */
  public static int open(MemorySegment state, MemorySegment path, int flags) {
    requireAvailable();
    try {
      return (int) OPEN.invokeExact(state, path, flags, 0);
    } catch (Throwable t) {
      throw failed(t);
    }
  }

  /**
   * {@code setns(fd, nstype)}: moves the calling thread (only it) into the namespace {@code fd}
   * refers to; 0, or -1.
   */
  public static int setns(MemorySegment state, int fd, int nstype) {
    requireAvailable();
    try {
      return (int) SETNS.invokeExact(state, fd, nstype);
    } catch (Throwable t) {
      throw failed(t);
    }
  }

  private static void requireAvailable() {
    if (FAILURE != null) {
      throw new IllegalStateException("libc unavailable (" + FAILURE + ")");
    }
  }

  private static RuntimeException failed(Throwable t) {
    if (t instanceof Error e) {
      throw e;
    }
    return t instanceof RuntimeException r ? r : new IllegalStateException(t);
  }
}
