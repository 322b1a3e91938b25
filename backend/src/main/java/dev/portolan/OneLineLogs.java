package dev.portolan;

import java.util.List;
import java.util.logging.Filter;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import javax.net.ssl.SSLHandshakeException;

/**
 * How the product logs (java.util.logging): one line a record, {@code 2026-12-06 03:38:41.123 INFO
 * dev.portolan.verticles.FleetVerticle: node a is up: joined}, unless the user configures logging
 * themselves ({@code -Djava.util.logging.config.file}, {@code -Djava.util.logging.config.class} or
 * their own {@value #FORMAT_PROPERTY}). A stack trace follows a record only for a fault; a refusal
 * is one line: {@link HandshakeRefusals} says a TLS handshake the event bus refused (a peer without
 * a certificate this node trusts, or of the wrong role) with its reason instead of the handshake's
 * stack trace. Vert.x's unhandled exceptions are said once a minute per distinct fault ({@link
 * RepeatedFaults}).
 */
public final class OneLineLogs {
  /** The JDK's property for {@link java.util.logging.SimpleFormatter}'s format. */
  public static final String FORMAT_PROPERTY = "java.util.logging.SimpleFormatter.format";

  /**
   * Date, time with milliseconds, level, logger, message, and the stack trace of a fault (if any).
   */
  public static final String FORMAT = "%1$tF %1$tT.%1$tL %4$s %3$s: %5$s%6$s%n";

  /** Vert.x's loggers that report a peer's refused TLS handshake with its stack trace. */
  static final List<String> HANDSHAKE_LOGGERS =
      List.of(
          "io.vertx.core.eventbus.impl.clustered.ClusteredEventBus",
          "io.vertx.core.net.impl.ConnectionBase");

  /** Held: a java.util.logging logger nobody references may be collected along with its filter. */
  private static final List<Logger> FILTERED =
      HANDSHAKE_LOGGERS.stream().map(Logger::getLogger).toList();

  /**
   * Vert.x's logger of "Unhandled exception": each distinct fault said once a minute ({@link
   * RepeatedFaults}).
   */
  static final String UNHANDLED_LOGGER = "io.vertx.core.impl.ContextImpl";

  private static final Logger UNHANDLED = Logger.getLogger(UNHANDLED_LOGGER);

  private OneLineLogs() {}

  /**
   * Sets the one-line format (unless the user configures logging) and says refused handshakes in
   * one line. Call first thing in {@code main}: the console handler reads the format when the first
   * record is logged.
   */
  public static void install() {
    if (System.getProperty("java.util.logging.config.file") == null
        && System.getProperty("java.util.logging.config.class") == null
        && System.getProperty(FORMAT_PROPERTY) == null) {
      System.setProperty(FORMAT_PROPERTY, FORMAT);
    }
    for (Logger logger : FILTERED) {
      if (logger.getFilter() == null) {
        logger.setFilter(new HandshakeRefusals());
      }
    }
    if (UNHANDLED.getFilter() == null) {
      UNHANDLED.setFilter(new RepeatedFaults());
    }
  }

  /**
   * Logs a record whose throwable is a refused TLS handshake (an {@link SSLHandshakeException} in
   * its causes) as one line: the record's message, then the handshake's own reason (the innermost
   * such exception's message); the stack trace is dropped. Any other record passes as it is.
   */
  public static final class HandshakeRefusals implements Filter {
    @Override
    public boolean isLoggable(LogRecord record) {
      SSLHandshakeException refused = innermostHandshake(record.getThrown());
      if (refused != null) {
        String message = record.getMessage();
        String reason = "TLS handshake refused: " + refused.getMessage();
        record.setMessage(
            message == null || message.isEmpty() || message.equals(refused.toString())
                ? reason
                : message + ": " + reason);
        record.setThrown(null);
      }
      return true;
    }

    private static SSLHandshakeException innermostHandshake(Throwable thrown) {
      SSLHandshakeException found = null;
      Throwable t = thrown;
      for (int depth = 0; t != null && depth < 32; depth++, t = t.getCause()) {
        if (t instanceof SSLHandshakeException e) {
          found = e;
        }
      }
      return found;
    }
  }
}
