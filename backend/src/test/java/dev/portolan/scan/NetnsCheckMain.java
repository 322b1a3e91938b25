package dev.portolan.scan;

import java.net.InetAddress;
import java.time.Duration;

/**
 * Runs {@link ConnectivityCheck} for each address given (port 80, 2 s timeout) and prints one line
 * per check: {@code address|STATUS|local|reason}. {@link ConnectivityCheckTest} starts it inside a
 * fresh network namespace whose routes it controls, since a JVM cannot move its own threads into
 * one.
 */
public final class NetnsCheckMain {
  private NetnsCheckMain() {}

  public static void main(String[] args) {
    ConnectivityCheck check = ConnectivityCheck.create();
    for (String a : args) {
      ConnectivityCheck.Result r = check.check(InetAddress.ofLiteral(a), 80, Duration.ofSeconds(2));
      System.out.println(a + "|" + r.status() + "|" + r.local() + "|" + r.reason());
    }
  }
}
