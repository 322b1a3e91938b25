package dev.portolan.fuzz;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * A long-lived child for {@link ProcChurnTest}, in a JVM of its own. {@code accept}: a listener on
 * 127.0.0.1 that accepts every connection and closes it at once (the churned processes connect to
 * it). {@code hold}: a listener and one connection to it, both ends held. Prints {@code PORT n},
 * then runs until its stdin closes.
 */
public final class ChurnPeer {
  private ChurnPeer() {}

  public static void main(String[] args) throws Exception {
    ServerSocket server = new ServerSocket();
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4096);
    List<Socket> held = new ArrayList<>();
    if (args[0].equals("hold")) {
      Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
      held.add(client);
      held.add(server.accept());
    } else {
      Thread acceptor =
          new Thread(
              () -> {
                while (true) {
                  try {
                    server.accept().close();
                  } catch (IOException e) {
                    return;
                  }
                }
              });
      acceptor.setDaemon(true);
      acceptor.start();
    }
    System.out.println("PORT " + server.getLocalPort());
    System.out.flush();
    while (System.in.read() != -1) {
      // until the test closes our stdin
    }
    for (Socket s : held) {
      s.close();
    }
    server.close();
  }
}
