package dev.portolan.audit;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * An append-only file of JSON lines, one per audit record, written by a thread of its own (callers
 * never wait for the disk). Lines that find the queue full ({@value #QUEUE} waiting) are counted in
 * {@link #lost()} and said once in the log. The file is opened at once, so that a path that cannot
 * be written is an error at start.
 */
public final class AuditFile implements AutoCloseable {
  static final int QUEUE = 10_000;
  private static final Logger LOG = Logger.getLogger(AuditFile.class.getName());
  private static final String STOP = new String("stop");

  private final Path path;
  private final BufferedWriter out;
  private final BlockingQueue<String> lines = new ArrayBlockingQueue<>(QUEUE);
  private final AtomicLong lost = new AtomicLong();
  private final AtomicLong written = new AtomicLong();
  private final Thread writer;

  private AuditFile(Path path, BufferedWriter out) {
    this.path = path;
    this.out = out;
    this.writer = Thread.ofPlatform().daemon().name("portolan-audit-file").start(this::run);
  }

  /**
   * Opens {@code path} for appending (creating it, mode as the umask says).
   *
   * @throws IOException when it cannot be opened for writing
   */
  public static AuditFile open(Path path) throws IOException {
    BufferedWriter out =
        Files.newBufferedWriter(
            path,
            StandardCharsets.UTF_8,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.APPEND);
    return new AuditFile(path, out);
  }

  public Path path() {
    return path;
  }

  /** Queues one line (without its newline); never blocks. */
  public void append(String line) {
    if (!lines.offer(line) && lost.getAndIncrement() == 0) {
      LOG.warning("the audit file " + path + " cannot keep up: records are being lost");
    }
  }

  /** Lines lost because the queue was full, or the disk refused them. */
  public long lost() {
    return lost.get();
  }

  /** Lines written so far. */
  public long written() {
    return written.get();
  }

  private void run() {
    boolean failing = false;
    try {
      while (true) {
        String line = lines.take();
        if (line == STOP) {
          break;
        }
        try {
          out.write(line);
          out.write('\n');
          if (lines.isEmpty()) {
            out.flush();
          }
          written.incrementAndGet();
          failing = false;
        } catch (IOException e) {
          lost.incrementAndGet();
          if (!failing) {
            LOG.log(Level.WARNING, "cannot write the audit file " + path, e);
          }
          failing = true;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      try {
        out.close();
      } catch (IOException e) {
        LOG.log(Level.WARNING, "cannot close the audit file " + path, e);
      }
    }
  }

  /** Writes what is queued, then closes the file. */
  @Override
  public void close() {
    try {
      if (!lines.offer(STOP, 5, TimeUnit.SECONDS)) {
        writer.interrupt();
      }
      writer.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
