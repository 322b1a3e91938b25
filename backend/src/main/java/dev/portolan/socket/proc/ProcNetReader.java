package dev.portolan.socket.proc;

import dev.portolan.socket.KernelSockstat;
import dev.portolan.socket.Protocol;
import dev.portolan.socket.SocketEntry;
import dev.portolan.socket.SocketTableReader;
import dev.portolan.socket.TextCache;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A {@link SocketTableReader} over the text tables of {@code /proc/net} (or of another directory
 * laid out the same way, such as {@code /proc/<pid>/net} for another network namespace).
 *
 * <p>Files are read whole into one byte buffer that the reader keeps and grows, then parsed in
 * place by {@link ProcNetParser}. A missing file (no IPv6, say) means no sockets of that kind, not
 * an error.
 *
 * <p><b>Not thread-safe</b>: the buffer and the {@link TextCache} are reused across calls, so one
 * reader must be used by one thread at a time (a single worker thread, as the sampler does).
 */
public final class ProcNetReader implements SocketTableReader {
  /**
   * The buffer's first size: a sockstat file fits; a table grows it (doubling) on its first read. A
   * reader used only for sockstat (a namespace's counters, one per namespace) stays this small.
   */
  private static final int INITIAL_BUFFER_BYTES = 4 * 1024;

  private final Path netDir;
  private TextCache cache; // made at the first table read (~150 KB)
  private byte[] buffer = new byte[INITIAL_BUFFER_BYTES];
  private int lastCount = 16;

  private ProcNetReader(Path netDir) {
    this.netDir = netDir;
  }

  /** A reader of this process's network namespace, {@code /proc/net}. */
  public static ProcNetReader create() {
    return create(Path.of("/proc/net"));
  }

  /** A reader of the tables in {@code netDir} ({@code tcp}, {@code tcp6}, {@code udp}, ...). */
  public static ProcNetReader create(Path netDir) {
    return new ProcNetReader(netDir);
  }

  /** The directory read. */
  public Path netDir() {
    return netDir;
  }

  @Override
  public List<SocketEntry> read(Set<Protocol> protocols) throws IOException {
    if (cache == null) {
      cache = new TextCache();
    }
    List<SocketEntry> entries = new ArrayList<>(lastCount + lastCount / 8);
    if (protocols.contains(Protocol.TCP)) {
      readInet(Protocol.TCP, "tcp", entries);
      readInet(Protocol.TCP, "tcp6", entries);
    }
    if (protocols.contains(Protocol.UDP)) {
      readInet(Protocol.UDP, "udp", entries);
      readInet(Protocol.UDP, "udp6", entries);
    }
    if (protocols.contains(Protocol.UNIX)) {
      int length = readFile("unix");
      ProcNetParser.parseUnix(buffer, 0, length, cache, entries);
    }
    lastCount = Math.max(16, entries.size());
    return entries;
  }

  @Override
  public KernelSockstat sockstat() throws IOException {
    Map<String, Map<String, Long>> counters = new HashMap<>();
    for (String file : new String[] {"sockstat", "sockstat6"}) {
      int length = readFile(file);
      SockstatParser.parseInto(
          new String(buffer, 0, length, StandardCharsets.ISO_8859_1), counters);
    }
    return new KernelSockstat(counters);
  }

  @Override
  public String name() {
    return "proc";
  }

  private void readInet(Protocol proto, String file, List<SocketEntry> entries) throws IOException {
    int length = readFile(file);
    ProcNetParser.parseInet(proto, buffer, 0, length, cache, entries);
  }

  /**
   * Reads {@code netDir/file} into {@link #buffer} until end of file (proc files report size 0),
   * growing the buffer as needed. Returns the number of bytes read, 0 if the file does not exist.
   */
  private int readFile(String file) throws IOException {
    int length = 0;
    try (InputStream in = Files.newInputStream(netDir.resolve(file))) {
      while (true) {
        if (length == buffer.length) {
          buffer = Arrays.copyOf(buffer, buffer.length * 2);
        }
        int n = in.read(buffer, length, buffer.length - length);
        if (n < 0) {
          return length;
        }
        length += n;
      }
    } catch (NoSuchFileException e) {
      return 0;
    }
  }
}
