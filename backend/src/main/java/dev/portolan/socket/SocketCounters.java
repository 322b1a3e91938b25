package dev.portolan.socket;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The socket counters the kernel keeps per network namespace, as one number that changes when any
 * of them does. {@link #open}: {@code sockets: used} (every socket made or closed there, of any
 * family), TCP {@code inuse} (a socket hashed: {@code listen()}, a connection, or unhashed: closed)
 * and {@code tw}, UDP, UDP-Lite and raw {@code inuse} (a {@code bind}), for IPv4 ({@code sockstat})
 * and IPv6 ({@code sockstat6}). The kernel-wide figures on the same lines ({@code orphan}, {@code
 * alloc}, {@code mem}) and {@code FRAG} (which moves with traffic) are left out. {@link #openTcp}:
 * TCP's alone, {@code inuse} and {@code tw} of {@code sockstat} and {@code sockstat6}, with the TCP
 * MIB's {@code ActiveOpens}, {@code PassiveOpens}, {@code AttemptFails}, {@code EstabResets} and
 * {@code CurrEstab} ({@code snmp}): those also move for a connection made and closed within one
 * interval (the counts of sockets would not), and {@code CurrEstab} when a connection leaves
 * ESTABLISHED for FIN_WAIT1 (the end that closes first). {@code InSegs} and the like are left out:
 * they move with every segment.
 *
 * <p>The files are opened once and kept: an open {@code /proc/.../net} file stays bound to the
 * namespace it was opened in (and keeps it alive) until {@link #close()}, so reading it again costs
 * one {@code pread} per file and no walk of any socket table: a few microseconds, against a dump
 * that walks the kernel's global established hash (~1.7 ms with 10k sockets on the host).
 *
 * <p>What moves none of the counters: a state change of a socket that stays hashed (ESTABLISHED to
 * CLOSE_WAIT when the peer closes, FIN_WAIT1 to FIN_WAIT2), its queues, {@code listen()} on a unix
 * socket made in an earlier interval, and (for {@link #open}) a socket closed while another of the
 * same kind opens in the same interval. Not for concurrent use.
 */
public final class SocketCounters implements AutoCloseable {
  private final FileChannel v4;
  private final FileChannel v6; // null without IPv6
  private final FileChannel snmp; // null: every sockstat figure; else TCP's alone, with the MIB's
  private final ByteBuffer buffer = ByteBuffer.allocate(512);
  private final ByteBuffer snmpBuffer;

  private SocketCounters(FileChannel v4, FileChannel v6, FileChannel snmp) {
    this.v4 = v4;
    this.v6 = v6;
    this.snmp = snmp;
    this.snmpBuffer = snmp == null ? null : ByteBuffer.allocate(8192);
  }

  /**
   * Opens {@code sockstat} and {@code sockstat6} of {@code netDir}: {@code /proc/thread-self/net}
   * on a thread inside the namespace, or {@code /proc/PID/net} of a process there.
   */
  public static SocketCounters open(Path netDir) throws IOException {
    return open(netDir, false);
  }

  /**
   * The namespace's TCP counters alone ({@code sockstat}, {@code sockstat6} and {@code snmp} of
   * {@code netDir}): they move when a TCP socket listens, connects, is accepted, closes or enters
   * TIME_WAIT, or leaves ESTABLISHED.
   */
  public static SocketCounters openTcp(Path netDir) throws IOException {
    return open(netDir, true);
  }

  private static SocketCounters open(Path netDir, boolean tcp) throws IOException {
    List<FileChannel> opened = new ArrayList<>(3);
    try {
      FileChannel v4 = FileChannel.open(netDir.resolve("sockstat"), StandardOpenOption.READ);
      opened.add(v4);
      FileChannel v6;
      try {
        v6 = FileChannel.open(netDir.resolve("sockstat6"), StandardOpenOption.READ);
        opened.add(v6);
      } catch (NoSuchFileException e) {
        v6 = null; // no IPv6 in this kernel
      }
      FileChannel snmp = null;
      if (tcp) {
        snmp = FileChannel.open(netDir.resolve("snmp"), StandardOpenOption.READ);
        opened.add(snmp);
      }
      SocketCounters counters = new SocketCounters(v4, v6, snmp);
      counters.read();
      return counters;
    } catch (IOException | RuntimeException e) {
      for (FileChannel c : opened) {
        try {
          c.close();
        } catch (IOException ignored) {
          // closing a /proc file: nothing to lose
        }
      }
      throw e;
    }
  }

  /** The counters now, folded into one number. */
  public long read() throws IOException {
    boolean tcp = snmp != null;
    long h = fold(readAll(v4, buffer), buffer.position(), 17, tcp);
    if (v6 != null) {
      h = fold(readAll(v6, buffer), buffer.position(), h, tcp);
    }
    if (tcp) {
      h = foldTcpMib(readAll(snmp, snmpBuffer), snmpBuffer.position(), h);
    }
    return h;
  }

  /**
   * One {@code pread} per file: the kernel makes a {@code sockstat} (or {@code snmp}) file whole on
   * each read from its start (one seq_file record), so a read that leaves the buffer room is the
   * whole file, and the second read that would say so costs a syscall for nothing.
   */
  private static byte[] readAll(FileChannel file, ByteBuffer buffer) throws IOException {
    buffer.clear();
    long position = 0;
    int n;
    while (buffer.hasRemaining() && (n = file.read(buffer, position)) > 0) {
      position += n;
      if (buffer.hasRemaining()) {
        break; // a short read: the whole file
      }
    }
    return buffer.array();
  }

  /**
   * Folds the per-namespace numbers of sockstat text ({@code LABEL: key value key value ...} per
   * line) into {@code h}.
   */
  static long fold(byte[] text, int length, long h) {
    return fold(text, length, h, false);
  }

  /**
   * As {@link #fold(byte[], int, long)}; {@code tcp}: the {@code TCP} and {@code TCP6} lines only.
   */
  static long fold(byte[] text, int length, long h, boolean tcp) {
    int i = 0;
    while (i < length) {
      int lineEnd = i;
      while (lineEnd < length && text[lineEnd] != '\n') {
        lineEnd++;
      }
      if (tcp ? startsWith(text, i, lineEnd, "TCP") : !startsWith(text, i, lineEnd, "FRAG")) {
        int p = i;
        while (p < lineEnd && text[p] != ':') {
          p++;
        }
        p++;
        while (p < lineEnd) {
          while (p < lineEnd && text[p] == ' ') {
            p++;
          }
          int keyStart = p;
          while (p < lineEnd && text[p] != ' ') {
            p++;
          }
          int keyEnd = p;
          while (p < lineEnd && text[p] == ' ') {
            p++;
          }
          long value = 0;
          while (p < lineEnd && text[p] >= '0' && text[p] <= '9') {
            value = value * 10 + (text[p] - '0');
            p++;
          }
          if (isPerNamespace(text, keyStart, keyEnd)) {
            h = h * 1_000_003L + value + 1;
          }
        }
      }
      i = lineEnd + 1;
    }
    return h;
  }

  /** The TCP MIB's figures that say a connection came, went or left ESTABLISHED. */
  private static final List<String> TCP_MIB =
      List.of("ActiveOpens", "PassiveOpens", "AttemptFails", "EstabResets", "CurrEstab");

  /**
   * Folds {@link #TCP_MIB}'s values of snmp text into {@code h}: the first {@code Tcp:} line names
   * the figures, the second holds their values in the same order.
   */
  static long foldTcpMib(byte[] text, int length, long h) {
    int names = -1;
    int i = 0;
    while (i < length) {
      int lineEnd = i;
      while (lineEnd < length && text[lineEnd] != '\n') {
        lineEnd++;
      }
      if (startsWith(text, i, lineEnd, "Tcp:")) {
        if (names < 0) {
          names = i;
        } else {
          return foldColumns(text, names + 4, i + 4, lineEnd, h);
        }
      }
      i = lineEnd + 1;
    }
    return h;
  }

  /** Folds the values (from {@code values} to {@code end}) whose names are in {@link #TCP_MIB}. */
  private static long foldColumns(byte[] text, int names, int values, int end, long h) {
    int n = names;
    int v = values;
    while (v < end) {
      while (text[n] == ' ') {
        n++;
      }
      int nameStart = n;
      while (text[n] != ' ' && text[n] != '\n') {
        n++;
      }
      int nameEnd = n;
      while (v < end && text[v] == ' ') {
        v++;
      }
      long value = 0;
      boolean negative = v < end && text[v] == '-';
      if (negative) {
        v++;
      }
      while (v < end && text[v] >= '0' && text[v] <= '9') {
        value = value * 10 + (text[v] - '0');
        v++;
      }
      for (String name : TCP_MIB) {
        if (equals(text, nameStart, nameEnd, name)) {
          h = h * 1_000_003L + (negative ? -value : value) + 1;
        }
      }
      if (text[n] == '\n') {
        break; // no more names
      }
    }
    return h;
  }

  private static boolean isPerNamespace(byte[] text, int start, int end) {
    return equals(text, start, end, "inuse")
        || equals(text, start, end, "used")
        || equals(text, start, end, "tw");
  }

  private static boolean startsWith(byte[] text, int start, int end, String prefix) {
    return end - start >= prefix.length() && equals(text, start, start + prefix.length(), prefix);
  }

  private static boolean equals(byte[] text, int start, int end, String word) {
    if (end - start != word.length()) {
      return false;
    }
    for (int k = 0; k < word.length(); k++) {
      if (text[start + k] != word.charAt(k)) {
        return false;
      }
    }
    return true;
  }

  @Override
  public void close() {
    for (FileChannel c : new FileChannel[] {v4, v6, snmp}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (IOException e) {
        // closing a /proc file: nothing to lose
      }
    }
  }
}
