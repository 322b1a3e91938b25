package dev.portolan.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Network namespaces for real agents, one each, wired to the host through a Linux bridge of the
 * benchmark's own: the bridge {@code ptb<n>} in the host's namespace holds {@link #HUB_ADDRESS}/16
 * (where the hub's bridge listens), and each agent's namespace {@code ptm<n>-<i>} has {@code lo}
 * and an {@code eth0} (a veth whose other end is on the bridge) with 10.214.x.y/16. So each agent
 * sees only its own sockets and reaches nothing but the hub's network. {@link #close} deletes all
 * of it, and so does a shutdown hook if the benchmark stops early. Needs root and {@code ip}.
 */
final class AgentNetwork implements AutoCloseable {
  static final String HUB_ADDRESS = "10.214.0.1";

  private final ExternalTool ip;
  private final String tag;
  private final String bridge;
  private final List<String> namespaces = new ArrayList<>();
  private final Thread cleanup = new Thread(this::delete, "bench-agent-network-cleanup");
  private boolean deleted;

  private AgentNetwork(ExternalTool ip, String tag) {
    this.ip = ip;
    this.tag = tag;
    this.bridge = "ptb" + tag;
  }

  static AgentNetwork create() throws IOException, InterruptedException {
    String why = NetworkNamespace.unavailableReason().orElse(null);
    if (why != null) {
      throw new IOException("real agents in network namespaces: " + why);
    }
    ExternalTool ip = ExternalTool.find("ip").orElseThrow();
    AgentNetwork net = new AgentNetwork(ip, Long.toString(ProcessHandle.current().pid() % 100_000));
    Runtime.getRuntime().addShutdownHook(net.cleanup);
    net.run("link", "add", net.bridge, "type", "bridge");
    net.run("addr", "add", HUB_ADDRESS + "/16", "dev", net.bridge);
    net.run("link", "set", net.bridge, "up");
    return net;
  }

  /** Makes agent {@code i}'s namespace (from 1); returns its name. */
  String add(int i) throws IOException, InterruptedException {
    String ns = "ptm" + tag + "-" + i;
    String veth = "pv" + tag + "x" + i;
    run("netns", "add", ns);
    namespaces.add(ns);
    run("link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", ns);
    run("link", "set", veth, "master", bridge, "up");
    String address = "10.214." + (1 + i / 250) + "." + (1 + i % 250);
    run("-n", ns, "addr", "add", address + "/16", "dev", "eth0");
    run("-n", ns, "link", "set", "eth0", "up");
    run("-n", ns, "link", "set", "lo", "up");
    return ns;
  }

  /** {@code ip netns exec NS}: the prefix of a command run in {@code ns} (it execs: same pid). */
  List<String> exec(String ns) {
    return List.of(ip.executablePath(), "netns", "exec", ns);
  }

  private void run(String... args) throws IOException, InterruptedException {
    ExternalTool.Captured c = ip.capture(List.of(args));
    if (!c.ok()) {
      throw new IOException("ip " + String.join(" ", args) + ": " + c.firstErrorLine());
    }
  }

  @Override
  public void close() {
    delete();
    try {
      Runtime.getRuntime().removeShutdownHook(cleanup);
    } catch (IllegalStateException alreadyShuttingDown) {
      // the hook runs anyway
    }
  }

  private synchronized void delete() {
    if (deleted) {
      return;
    }
    deleted = true;
    ChildProcesses.killAll(); // nothing left in a namespace when it goes
    for (String ns : namespaces) {
      try {
        ip.capture(List.of("netns", "del", ns)); // its veth end goes with it
      } catch (IOException e) {
        System.err.println("portolan bench: ip netns del " + ns + ": " + e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    try {
      ip.capture(List.of("link", "del", bridge));
    } catch (IOException e) {
      System.err.println("portolan bench: ip link del " + bridge + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
