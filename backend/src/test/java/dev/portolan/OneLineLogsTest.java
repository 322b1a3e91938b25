package dev.portolan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.IOException;
import java.security.cert.CertificateException;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The one-line format, and a refused TLS handshake said in one line through a real
 * java.util.logging logger.
 */
class OneLineLogsTest {
  private final Logger logger = Logger.getLogger("portolan.test.handshakes." + System.nanoTime());
  private final List<LogRecord> published = new CopyOnWriteArrayList<>();
  private final Handler capture =
      new Handler() {
        @Override
        public void publish(LogRecord record) {
          published.add(record);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  @BeforeEach
  void filtered() {
    logger.setUseParentHandlers(false);
    logger.addHandler(capture);
    logger.setFilter(new OneLineLogs.HandshakeRefusals());
  }

  @AfterEach
  void unfiltered() {
    logger.removeHandler(capture);
  }

  @Test
  void theFormatMakesOneLineOfARecordWithoutAThrowable() {
    ZonedDateTime at = ZonedDateTime.of(2026, 12, 6, 3, 38, 41, 123_000_000, ZoneId.of("UTC"));
    String line =
        String.format(
            OneLineLogs.FORMAT,
            at,
            "source",
            "dev.portolan.verticles.FleetVerticle",
            "INFO",
            "node a is up: joined",
            "");
    assertEquals(
        "2026-12-06 03:38:41.123 INFO dev.portolan.verticles.FleetVerticle: node a is up: joined"
            + System.lineSeparator(),
        line);
  }

  @Test
  void aRefusedHandshakeIsOneLineWithItsReasonAndNoStackTrace() {
    // As Vert.x's clustered event bus logs a peer whose certificate this node does not trust.
    SSLHandshakeException inner =
        new SSLHandshakeException("(certificate_unknown) PKIX path building failed");
    inner.initCause(
        new CertificateException("unable to find valid certification path to requested target"));
    SSLHandshakeException outer = new SSLHandshakeException("Failed to create SSL connection");
    outer.initCause(inner);
    logger.log(Level.WARNING, "Connecting to server 3efc failed", outer);

    assertEquals(1, published.size());
    LogRecord r = published.get(0);
    assertEquals(
        "Connecting to server 3efc failed: TLS handshake refused: (certificate_unknown) PKIX path building"
            + " failed",
        r.getMessage());
    assertNull(r.getThrown());
    assertEquals(Level.WARNING, r.getLevel());
  }

  @Test
  void aHandshakeLoggedAsItsOwnMessageIsNotSaidTwice() {
    SSLHandshakeException e =
        new SSLHandshakeException(
            "(certificate_required) Received fatal alert: certificate_required");
    logger.log(Level.SEVERE, e.toString(), e);

    assertEquals(
        "TLS handshake refused: (certificate_required) Received fatal alert: certificate_required",
        published.get(0).getMessage());
    assertNull(published.get(0).getThrown());
  }

  @Test
  void aFaultKeepsItsStackTrace() {
    IOException fault = new IOException("disk full");
    logger.log(Level.WARNING, "cannot write the audit file", fault);

    assertEquals(1, published.size());
    assertEquals("cannot write the audit file", published.get(0).getMessage());
    assertSame(fault, published.get(0).getThrown());
  }

  @Test
  void theHandshakeLoggersOfVertxAreNamedAsVertxNamesThem() throws Exception {
    // A renamed Vert.x class would leave the filter on a logger nobody logs to.
    for (String name : OneLineLogs.HANDSHAKE_LOGGERS) {
      assertEquals(name, Class.forName(name, false, getClass().getClassLoader()).getName());
    }
  }
}
