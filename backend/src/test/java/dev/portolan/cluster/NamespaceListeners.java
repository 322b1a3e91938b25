package dev.portolan.cluster;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Child process for {@link NetnsFleetTest}, run inside a network namespace: opens a TCP listener on
 * each {@code ADDRESS:PORT} argument, prints "LISTEN ADDRESS:PORT" for each and then "READY"; on
 * each stdin line "open ADDRESS:PORT" opens one more and prints "LISTEN ADDRESS:PORT"; exits at end
 * of input.
 */
public final class NamespaceListeners {
  private NamespaceListeners() {}

  public static void main(String[] args) throws Exception {
    List<ServerSocket> open = new ArrayList<>();
    for (String spec : args) {
      open.add(listen(spec));
    }
    System.out.println("READY");
    System.out.flush();
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      if (line.startsWith("open ")) {
        open.add(listen(line.substring("open ".length()).strip()));
      }
    }
    for (ServerSocket s : open) {
      s.close();
    }
  }

  private static ServerSocket listen(String spec) throws Exception {
    int colon = spec.lastIndexOf(':');
    ServerSocket s =
        new ServerSocket(
            Integer.parseInt(spec.substring(colon + 1)),
            50,
            InetAddress.getByName(spec.substring(0, colon)));
    System.out.println("LISTEN " + spec);
    System.out.flush();
    return s;
  }
}
