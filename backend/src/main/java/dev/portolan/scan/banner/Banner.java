package dev.portolan.scan.banner;

import java.time.Instant;

/**
 * What an open port said about itself. {@code service}: a short guess ("ssh", "http", "smtp",
 * "redis", "tls"...), or null. {@code text}: the first line the service sent (printable, at most
 * 200 characters), or null. {@code server}: the HTTP {@code Server} header, or null. {@code
 * tlsSubject}/{@code tlsNotAfter}: the leaf certificate's subject and expiry on TLS ports, or null.
 */
public record Banner(
    String service, String text, String server, String tlsSubject, Instant tlsNotAfter) {}
