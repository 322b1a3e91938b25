package dev.portolan.owner;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A short-lived client in a JVM of its own: connects to 127.0.0.1:PORT, prints its local port, and
 * exits (without closing the socket itself) when its standard input gives a line or ends.
 */
public final class ConnectingChild {
  private ConnectingChild() {}

  public static void main(String[] args) throws Exception {
    Socket s = new Socket(InetAddress.getLoopbackAddress(), Integer.parseInt(args[0]));
    System.out.println("CONNECTED " + s.getLocalPort());
    System.out.flush();
    new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
    System.exit(0);
  }
}
