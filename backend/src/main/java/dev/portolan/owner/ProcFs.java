package dev.portolan.owner;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The few {@code /proc} reads the owner index needs, with counters of the expensive ones. Every
 * method treats a process that exits while it is being read as normal: it reports "gone", it does
 * not throw.
 */
final class ProcFs {

  /** Result of {@link #inodeAt}: the fd is no longer there (closed or the process exited). */
  static final long GONE = -1;

  /** Result of {@link #inodeAt}: the fd link may not be read. */
  static final long DENIED = -2;

  /** How reading one process's fd table went. */
  enum ScanOutcome {
    READ,
    DENIED,
    GONE
  }

  /** Receives the socket fds of a process as {@link #scanSockets} finds them. */
  interface SocketFdSink {
    void socketFd(int fd, long inode);

    /** Told how many fds the table listed, once it was read whole. */
    default void tableSize(int fds) {}
  }

  private final Path root;
  final AtomicLong fdDirReads = new AtomicLong();
  final AtomicLong readlinks = new AtomicLong();

  ProcFs(Path root) {
    this.root = root;
  }

  Path root() {
    return root;
  }

  /**
   * Pids of the processes now listed in {@code /proc}, sorted. Threads (tasks) are not listed
   * there.
   */
  int[] listPids() {
    int[] pids = new int[512];
    int n = 0;
    try (DirectoryStream<Path> dir = Files.newDirectoryStream(root)) {
      for (Path p : dir) {
        int pid = parseNonNegativeInt(p.getFileName().toString());
        if (pid > 0) {
          if (n == pids.length) {
            pids = Arrays.copyOf(pids, n * 2);
          }
          pids[n++] = pid;
        }
      }
    } catch (IOException | RuntimeException e) {
      // an unreadable /proc leaves us with what we got
    }
    int[] result = Arrays.copyOf(pids, n);
    Arrays.sort(result);
    return result;
  }

  /**
   * Field 22 of {@code /proc/PID/stat} (start time in clock ticks since boot), or -1 when the
   * process is gone.
   */
  long startTime(int pid) {
    String stat = readSmall(root.resolve(Integer.toString(pid)).resolve("stat"));
    return stat == null ? -1 : startTimeOfStat(stat);
  }

  /**
   * utime + stime of {@code pid} in clock ticks (fields 14 and 15 of stat), or -1 when it is gone.
   */
  long cpuTicks(int pid) {
    String stat = readSmall(root.resolve(Integer.toString(pid)).resolve("stat"));
    if (stat == null) {
      return -1;
    }
    long utime = statField(stat, 14);
    long stime = statField(stat, 15);
    return utime < 0 || stime < 0 ? -1 : utime + stime;
  }

  static long startTimeOfStat(String stat) {
    return statField(stat, 22);
  }

  /**
   * Numeric field {@code wanted} (1-based, as proc(5) numbers them; at least 3) of a stat line, or
   * -1.
   */
  static long statField(String stat, int wanted) {
    int close = stat.lastIndexOf(')');
    if (close < 0) {
      return -1;
    }
    // after ") " come fields 3, 4, ...
    int field = 3;
    int i = close + 2;
    while (field < wanted && i < stat.length()) {
      if (stat.charAt(i) == ' ') {
        field++;
      }
      i++;
    }
    int end = i;
    while (end < stat.length() && stat.charAt(end) != ' ' && stat.charAt(end) != '\n') {
      end++;
    }
    return field == wanted ? parseNonNegativeLong(stat, i, end) : -1;
  }

  /** The owning (effective) uid of {@code /proc/PID}, or -1. */
  int procDirUid(int pid) {
    try {
      return (Integer) Files.getAttribute(root.resolve(Integer.toString(pid)), "unix:uid");
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /**
   * Reads every link of {@code /proc/PID/fd} and hands the sockets to {@code sink}. Stops at the
   * first link it may not read (EACCES: the whole table is then unreadable, even for root, e.g. PID
   * 1 in some sandboxes).
   */
  ScanOutcome scanSockets(int pid, SocketFdSink sink) {
    Path fdDir = root.resolve(Integer.toString(pid)).resolve("fd");
    fdDirReads.incrementAndGet();
    try (DirectoryStream<Path> dir = Files.newDirectoryStream(fdDir)) {
      int listed = 0;
      for (Path link : dir) {
        int fd = parseNonNegativeInt(link.getFileName().toString());
        if (fd < 0) {
          continue;
        }
        listed++;
        readlinks.incrementAndGet();
        String target;
        try {
          target = Files.readSymbolicLink(link).toString();
        } catch (NoSuchFileException e) {
          continue; // fd closed while we read
        } catch (AccessDeniedException e) {
          return ScanOutcome.DENIED;
        }
        long inode = socketInode(target);
        if (inode > 0) {
          sink.socketFd(fd, inode);
        }
      }
      sink.tableSize(listed);
      return ScanOutcome.READ;
    } catch (AccessDeniedException e) {
      return ScanOutcome.DENIED;
    } catch (IOException | RuntimeException e) {
      return ScanOutcome
          .GONE; // NoSuchFileException, ESRCH as IOException, DirectoryIteratorException...
    }
  }

  /**
   * The socket inode {@code /proc/PID/fd/FD} points at now, 0 if it is not a socket, {@link #GONE}
   * or {@link #DENIED}.
   */
  long inodeAt(int pid, int fd) {
    readlinks.incrementAndGet();
    try {
      String target =
          Files.readSymbolicLink(
                  root.resolve(Integer.toString(pid)).resolve("fd").resolve(Integer.toString(fd)))
              .toString();
      return Math.max(0, socketInode(target));
    } catch (AccessDeniedException e) {
      return DENIED;
    } catch (IOException | RuntimeException e) {
      return GONE;
    }
  }

  /** N of {@code socket:[N]}, or -1 for any other link text. */
  static long socketInode(String target) {
    if (!target.startsWith("socket:[") || !target.endsWith("]")) {
      return -1;
    }
    return parseNonNegativeLong(target, 8, target.length() - 1);
  }

  /** A small text file, or null when it cannot be read. */
  static String readSmall(Path file) {
    try {
      return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  static int parseNonNegativeInt(String s) {
    long v = parseNonNegativeLong(s, 0, s.length());
    return v > Integer.MAX_VALUE ? -1 : (int) v;
  }

  static long parseNonNegativeLong(String s, int from, int to) {
    if (from >= to || to - from > 18) {
      return -1;
    }
    long v = 0;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }
}
