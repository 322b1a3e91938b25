package dev.portolan.netns;

import static dev.portolan.testing.HostTools.isRoot;
import static dev.portolan.testing.HostTools.onPath;
import static dev.portolan.testing.HostTools.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * The tests' named namespaces ({@code ip netns}), each deleted by {@link #close()}; and the
 * conditions they need, as assumptions that skip with the reason.
 */
final class Netns implements AutoCloseable {
  private final String prefix = "pns" + ProcessHandle.current().pid() + "-";
  private final List<String> made = new ArrayList<>();

  /** Skips unless root with iproute2, unshare, setpriv and /usr/bin/python3 at hand. */
  static void assumeRootAndTools() {
    Assumptions.assumeTrue(isRoot(), "needs root (setns, ip netns, unshare -n): not root here");
    for (String tool : List.of("ip", "unshare", "setpriv", "sh")) {
      Assumptions.assumeTrue(onPath(tool), tool + " is not installed here");
    }
    Assumptions.assumeTrue(
        Files.isExecutable(Path.of(NamespaceChild.PYTHON)),
        NamespaceChild.PYTHON + " (the socket-holding child) is not installed here");
  }

  /** A new named namespace with loopback up; its full name. */
  String add(String suffix) throws IOException {
    String name = prefix + suffix;
    run("ip", "netns", "add", name);
    made.add(name);
    run("ip", "-n", name, "link", "set", "lo", "up");
    return name;
  }

  /** Deletes one made here. */
  void delete(String name) throws IOException {
    if (made.remove(name)) {
      run("ip", "netns", "del", name);
    }
  }

  @Override
  public void close() throws IOException {
    IOException first = null;
    for (String name : List.copyOf(made)) {
      try {
        delete(name);
      } catch (IOException e) {
        first = first == null ? e : first;
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
