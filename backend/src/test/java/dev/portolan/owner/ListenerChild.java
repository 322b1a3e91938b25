package dev.portolan.owner;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Child process for the owner tests: opens {@code args[0]} listeners on 127.0.0.1 port 0 (and, with
 * {@code args[1]}, that many more fds on {@code /dev/null}: a big fd table), prints "PORT n" for
 * each listener and then "READY"; on each stdin line "open" opens one more and prints "PORT n";
 * exits at end of input.
 */
public final class ListenerChild {

  public static void main(String[] args) throws Exception {
    int count = Integer.parseInt(args[0]);
    List<ServerSocket> open = new ArrayList<>();
    InetAddress loopback = InetAddress.getByName("127.0.0.1");
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < count; i++) {
      ServerSocket s = new ServerSocket(0, 50, loopback);
      open.add(s);
      out.append("PORT ").append(s.getLocalPort()).append('\n');
    }
    List<java.io.FileInputStream> files = new ArrayList<>();
    for (int i = 0; i < (args.length > 1 ? Integer.parseInt(args[1]) : 0); i++) {
      files.add(new java.io.FileInputStream("/dev/null"));
    }
    System.out.print(out);
    System.out.println("READY");
    System.out.flush();
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      if (line.equals("open")) {
        ServerSocket s = new ServerSocket(0, 50, loopback);
        open.add(s);
        System.out.println("PORT " + s.getLocalPort());
        System.out.flush();
      }
    }
    for (ServerSocket s : open) {
      s.close();
    }
    for (java.io.FileInputStream f : files) {
      f.close();
    }
  }
}
