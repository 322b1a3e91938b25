package dev.portolan.web;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * A loopback listener that never accepts, with its accept queue filled: Linux drops further SYNs to
 * it, so a connect probe waits out its timeout and retries. A polite scan of this one port runs for
 * seconds, which makes "cancel mid-scan" and "live progress" deterministic without probing any port
 * the test did not open.
 */
public final class FullBacklogListener implements AutoCloseable {
  private final ServerSocket server;
  private final List<Socket> fillers = new ArrayList<>();

  public FullBacklogListener() throws IOException {
    server = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
    for (int i = 0; i < 4; i++) {
      Socket s = new Socket();
      fillers.add(s);
      try {
        s.connect(new InetSocketAddress("127.0.0.1", server.getLocalPort()), 300);
      } catch (IOException timedOutOnceTheQueueIsFull) {
        return;
      }
    }
  }

  public int port() {
    return server.getLocalPort();
  }

  @Override
  public void close() throws IOException {
    for (Socket s : fillers) {
      s.close();
    }
    server.close();
  }
}
