package dev.portolan.libc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The libc calls on real sockets of this host, and their errno through the call state. */
class LibcTest {
  private static final int ECONNREFUSED = 111;
  private static final int EAFNOSUPPORT = 97;
  private static final int EBADF = 9;
  private static final int ENOENT = 2;
  private static final int EINVAL = 22;
  private static final int SO_RCVBUF = 8;
  private static final int SO_TYPE = 3;

  @BeforeEach
  void linux() {
    Assumptions.assumeTrue(
        Libc.available(), () -> "libc cannot be called here: " + Libc.unavailableReason());
  }

  @Test
  void aSocketIsMadeAndClosedOnce() {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = Libc.callState(arena);
      int fd = socket(state, Libc.SOCK_STREAM);
      assertEquals(0, Libc.close(fd));
      // the descriptor is gone: setsockopt on it fails with EBADF, which the call state captures
      MemorySegment one = arena.allocate(ValueLayout.JAVA_INT);
      one.set(ValueLayout.JAVA_INT, 0, 1);
      assertEquals(-1, Libc.setsockopt(state, fd, Libc.SOL_SOCKET, SO_RCVBUF, one, 4));
      assertEquals(EBADF, Libc.errno(state));
    }
  }

  @Test
  void anUnknownFamilyIsRefusedWithItsErrno() {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = Libc.callState(arena);
      assertEquals(-1, Libc.socket(state, 4242, Libc.SOCK_STREAM, 0));
      assertEquals(EAFNOSUPPORT, Libc.errno(state));
    }
  }

  @Test
  void aClosedLoopbackPortRefusesTheConnect() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = Libc.callState(arena);
      int fd = socket(state, Libc.SOCK_STREAM);
      try {
        assertEquals(-1, Libc.connect(state, fd, loopback(arena, port), 16));
        assertEquals(ECONNREFUSED, Libc.errno(state));
      } finally {
        Libc.close(fd);
      }
    }
  }

  @Test
  void aDatagramGoesOutAndComesBack() {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = Libc.callState(arena);
      int fd = socket(state, Libc.SOCK_DGRAM);
      try {
        assertEquals(
            0,
            Libc.bind(state, fd, loopback(arena, 0), 16),
            () -> "bind: errno " + Libc.errno(state));
        MemorySegment self = arena.allocate(16, 4);
        MemorySegment length = arena.allocate(ValueLayout.JAVA_INT);
        length.set(ValueLayout.JAVA_INT, 0, 16);
        assertEquals(0, Libc.getsockname(state, fd, self, length));
        assertEquals(16, length.get(ValueLayout.JAVA_INT, 0));
        int port =
            (self.get(ValueLayout.JAVA_BYTE, 2) & 0xff) << 8
                | self.get(ValueLayout.JAVA_BYTE, 3) & 0xff;
        assertNotEquals(0, port, "bind to port 0 gives the socket a port");

        byte[] text = "portolan".getBytes(StandardCharsets.US_ASCII);
        MemorySegment out = arena.allocateFrom(ValueLayout.JAVA_BYTE, text);
        assertEquals(text.length, Libc.sendto(state, fd, out, text.length, 0, self, 16));
        MemorySegment in = arena.allocate(64);
        assertEquals(text.length, Libc.recv(state, fd, in, in.byteSize(), 0));
        assertArrayEquals(text, in.asSlice(0, text.length).toArray(ValueLayout.JAVA_BYTE));
      } finally {
        assertEquals(0, Libc.close(fd));
      }
    }
  }

  @Test
  void anOptionIsSet() {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = Libc.callState(arena);
      int fd = socket(state, Libc.SOCK_DGRAM);
      try {
        MemorySegment size = arena.allocate(ValueLayout.JAVA_INT);
        size.set(ValueLayout.JAVA_INT, 0, 65536);
        assertEquals(0, Libc.setsockopt(state, fd, Libc.SOL_SOCKET, SO_RCVBUF, size, 4));
        // SO_TYPE is read-only: setting it is refused (ENOPROTOOPT, 92)
        assertEquals(-1, Libc.setsockopt(state, fd, Libc.SOL_SOCKET, SO_TYPE, size, 4));
        assertEquals(92, Libc.errno(state));
      } finally {
        Libc.close(fd);
      }
    }
  }

  /** An IPv4 socket of {@code type}, close-on-exec; fails the test when there is none. */
  @Test
  void openAndSetnsReportTheirErrno() {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = Libc.callState(arena);
      assertEquals(
          -1,
          Libc.open(
              state, arena.allocateFrom("/nonexistent/portolan"), Libc.O_RDONLY | Libc.O_CLOEXEC));
      assertEquals(ENOENT, Libc.errno(state));
      // a descriptor that is no namespace: setns refuses it (EINVAL), leaving this thread as it was
      int fd =
          Libc.open(state, arena.allocateFrom("/proc/self/stat"), Libc.O_RDONLY | Libc.O_CLOEXEC);
      assertTrue(fd >= 0, "open /proc/self/stat");
      try {
        assertEquals(-1, Libc.setns(state, fd, Libc.CLONE_NEWNET));
        assertEquals(EINVAL, Libc.errno(state));
      } finally {
        Libc.close(fd);
      }
    }
  }

  private static int socket(MemorySegment state, int type) {
    int fd = Libc.socket(state, Libc.AF_INET, type | Libc.SOCK_CLOEXEC, 0);
    assertTrue(fd >= 0, () -> "socket() failed with errno " + Libc.errno(state));
    return fd;
  }

  /**
   * sockaddr_in for 127.0.0.1:{@code port} (family in host order, little-endian here; port in
   * network order).
   */
  private static MemorySegment loopback(Arena arena, int port) {
    MemorySegment s = arena.allocate(16, 4);
    s.set(ValueLayout.JAVA_BYTE, 0, (byte) Libc.AF_INET);
    s.set(ValueLayout.JAVA_BYTE, 2, (byte) (port >>> 8));
    s.set(ValueLayout.JAVA_BYTE, 3, (byte) port);
    s.set(ValueLayout.JAVA_BYTE, 4, (byte) 127);
    s.set(ValueLayout.JAVA_BYTE, 7, (byte) 1);
    return s;
  }
}
