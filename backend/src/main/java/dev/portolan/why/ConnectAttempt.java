package dev.portolan.why;

import dev.portolan.scan.ConnectivityCheck;
import dev.portolan.scan.IpLiterals;
import java.util.Locale;

/**
 * A real connection attempt, as the connectivity check reports it: the host asked, the address
 * connected to, the port, the outcome ({@code connected}, {@code refused}, {@code timeout}, {@code
 * no-route}, {@code host-unreachable}, {@code error}) and the check's own sentence.
 */
public record ConnectAttempt(String host, String address, int port, String status, String reason) {

  /** The attempt {@code result} made for {@code host}. */
  public static ConnectAttempt of(String host, ConnectivityCheck.Result result) {
    return new ConnectAttempt(
        host,
        IpLiterals.text(result.address()),
        result.port(),
        result.status().name().toLowerCase(Locale.ROOT).replace('_', '-'),
        result.reason());
  }
}
