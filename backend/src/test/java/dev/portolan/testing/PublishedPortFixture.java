package dev.portolan.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * Docker's published port without Docker, for the tests: a named network namespace (the
 * "container") joined to the host by a veth pair ({@code 10.211.N.1/24} on the host, {@code
 * 10.211.N.2} inside), a real listener on {@code 10.211.N.2:containerPort} inside it, and on the
 * host a real process named {@code docker-proxy} (a symlink to Python, so {@code comm} says so)
 * listening on {@code 0.0.0.0:hostPort} with docker-proxy's own argv ({@code -proto tcp -host-ip
 * 0.0.0.0 -host-port P -container-ip 10.211.N.2 -container-port Q}); and a second listener inside,
 * on the namespace's loopback ({@code loopbackPort}). It forwards nothing: only the shape is
 * Docker's. {@link #close()} stops both and deletes the namespace (and with it the veth).
 */
public final class PublishedPortFixture implements AutoCloseable {
  public static final String PYTHON = "/usr/bin/python3";

  private static final String LISTENER =
      """
      import socket, sys
      s = socket.socket()
      s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
      s.bind((sys.argv[-2], int(sys.argv[-1])))
      s.listen(8)
      print("LISTEN", s.getsockname()[1], flush=True)
      sys.stdin.read()
      """;

  public final String netns;
  public final String containerIp;
  public final int containerPort;
  public final int hostPort;
  public final int loopbackPort;
  private final Path dir;
  private final List<Process> processes = new ArrayList<>();
  private boolean netnsMade;

  /** Skips unless root with ip and Python. */
  public static void assumeRootAndTools() {
    Assumptions.assumeTrue(HostTools.isRoot(), "needs root (ip netns, veth): not root here");
    Assumptions.assumeTrue(HostTools.onPath("ip"), "ip (iproute2) is not installed here");
    Assumptions.assumeTrue(
        Files.isExecutable(Path.of(PYTHON)), PYTHON + " (the listeners) is not installed here");
  }

  private PublishedPortFixture(String netns, String containerIp, int hostPort, Path dir)
      throws IOException {
    this.netns = netns;
    this.containerIp = containerIp;
    this.hostPort = hostPort;
    this.dir = dir;
    try {
      String hostIp = containerIp.substring(0, containerIp.lastIndexOf('.')) + ".1";
      String id = Long.toString(ProcessHandle.current().pid() % 100_000);
      String hostSide = "pdh" + id;
      String inside = "pdn" + id;
      HostTools.run("ip", "netns", "add", netns);
      netnsMade = true;
      HostTools.run("ip", "-n", netns, "link", "set", "lo", "up");
      HostTools.run("ip", "link", "add", hostSide, "type", "veth", "peer", "name", inside);
      HostTools.run("ip", "link", "set", inside, "netns", netns);
      HostTools.run("ip", "addr", "add", hostIp + "/24", "dev", hostSide);
      HostTools.run("ip", "link", "set", hostSide, "up");
      HostTools.run("ip", "-n", netns, "addr", "add", containerIp + "/24", "dev", inside);
      HostTools.run("ip", "-n", netns, "link", "set", inside, "up");
      this.containerPort =
          listen(List.of("ip", "netns", "exec", netns, PYTHON, "-c", LISTENER, containerIp, "0"));
      Path proxy = dir.resolve("docker-proxy");
      Files.createSymbolicLink(proxy, Path.of(PYTHON).toRealPath());
      listen(
          List.of(
              proxy.toString(),
              "-c",
              LISTENER,
              "-proto",
              "tcp",
              "-host-ip",
              "0.0.0.0",
              "-host-port",
              Integer.toString(hostPort),
              "-container-ip",
              containerIp,
              "-container-port",
              Integer.toString(containerPort),
              "0.0.0.0",
              Integer.toString(hostPort)));
      this.loopbackPort =
          listen(List.of("ip", "netns", "exec", netns, PYTHON, "-c", LISTENER, "127.0.0.1", "0"));
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
  }

  /** Made with a namespace named {@code name} (prefixed with this JVM's pid). */
  public static PublishedPortFixture start(String name) throws IOException {
    int subnet = ThreadLocalRandom.current().nextInt(1, 250);
    int hostPort;
    try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getByName("0.0.0.0"))) {
      hostPort = free.getLocalPort();
    }
    return new PublishedPortFixture(
        "pd" + ProcessHandle.current().pid() + "-" + name,
        "10.211." + subnet + ".2",
        hostPort,
        Files.createTempDirectory("docker-proxy"));
  }

  /** The pid of the docker-proxy process. */
  public long proxyPid() {
    return processes.get(1).pid();
  }

  /** The pid of the container's listener. */
  public long containerPid() {
    return processes.get(0).pid();
  }

  /** The inode of the namespace (the file under /run/netns is its nsfs inode). */
  public long netnsInode() throws IOException {
    return (Long) Files.getAttribute(Path.of("/run/netns", netns), "unix:ino");
  }

  private int listen(List<String> command) throws IOException {
    Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    processes.add(p);
    String line =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))
            .readLine();
    if (line == null || !line.startsWith("LISTEN ")) {
      throw new IOException(command.getFirst() + " did not listen: " + line);
    }
    return Integer.parseInt(line.substring(7).trim());
  }

  @Override
  public void close() throws IOException {
    for (Process p : processes) {
      p.destroy();
      try {
        p.onExit().get();
      } catch (Exception e) {
        p.destroyForcibly();
      }
    }
    if (netnsMade) {
      netnsMade = false;
      HostTools.run("ip", "netns", "del", netns);
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(f);
      }
    }
  }
}
