package dev.portolan.bench;

import dev.portolan.config.BusTls;
import dev.portolan.sim.FleetCa;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The TLS fleet of the fleet benchmarks: a fleet CA made for the run (its files in a directory of
 * the run's logs), hubs started with a certificate of it (role hub) and their bridge on a port of
 * their own, and the simulator started with the CA's key to make each simulated agent's certificate
 * (role agent, CN = its node name).
 */
final class FleetRig {
  final Path dir;
  final FleetCa ca;
  final Path caPem;
  final Path caKey;

  private FleetRig(Path dir, FleetCa ca, Path caPem, Path caKey) {
    this.dir = dir;
    this.ca = ca;
    this.caPem = caPem;
    this.caKey = caKey;
  }

  static FleetRig create() throws IOException, GeneralSecurityException {
    Path dir = Files.createTempDirectory(PortolanProcess.logDirectory(), "fleet-tls-");
    FleetCa ca = FleetCa.create("portolan-bench-fleet-ca");
    List<Path> files = ca.write(dir, "fleet-ca");
    return new FleetRig(dir, ca, files.get(0), files.get(1));
  }

  /** A hub's options: its name, its bridge port, its certificate (made now). */
  List<String> hubOptions(String name, int bridgePort)
      throws IOException, GeneralSecurityException {
    BusTls tls = ca.writeNode(dir, name, "hub");
    return List.of(
        "--role",
        "hub",
        "--node-name",
        name,
        "--bridge-port",
        Integer.toString(bridgePort),
        "--bus-tls-cert",
        tls.cert().toString(),
        "--bus-tls-key",
        tls.key().toString(),
        "--bus-tls-ca",
        tls.ca().toString());
  }

  /** A real agent's options: its name, the hubs' bridges, its certificate (made now). */
  List<String> agentOptions(String name, List<Integer> bridgePorts)
      throws IOException, GeneralSecurityException {
    return agentOptions(name, "127.0.0.1", bridgePorts);
  }

  /** As {@link #agentOptions(String, List)}, the hubs on {@code host}. */
  List<String> agentOptions(String name, String host, List<Integer> bridgePorts)
      throws IOException, GeneralSecurityException {
    BusTls tls = ca.writeNode(dir, name, "agent");
    // Each agent here stands for a host of its own: on this one machine they would all read each
    // other's network namespaces.
    return List.of(
        "--role",
        "agent",
        "--namespaces",
        "off",
        "--node-name",
        name,
        "--hub",
        hubs(host, bridgePorts),
        "--bus-tls-cert",
        tls.cert().toString(),
        "--bus-tls-key",
        tls.key().toString(),
        "--bus-tls-ca",
        tls.ca().toString());
  }

  /** The simulator's options: N agents over TLS to the hubs' bridges. */
  List<String> simulatorOptions(int nodes, int sockets, double churn, List<Integer> bridgePorts) {
    List<String> o = new ArrayList<>();
    o.addAll(
        List.of(
            "--simulate-nodes",
            Integer.toString(nodes),
            "--simulate-sockets",
            Integer.toString(sockets),
            "--simulate-churn",
            Double.toString(churn),
            "--node-name",
            "bench-simulator",
            "--hub",
            hubs("127.0.0.1", bridgePorts),
            "--simulate-fleet-ca",
            caPem.toString(),
            "--simulate-fleet-ca-key",
            caKey.toString()));
    return o;
  }

  private static String hubs(String host, List<Integer> bridgePorts) {
    return bridgePorts.stream().map(p -> host + ":" + p).collect(Collectors.joining(","));
  }
}
