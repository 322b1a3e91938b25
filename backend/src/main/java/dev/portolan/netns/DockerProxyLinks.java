package dev.portolan.netns;

import dev.portolan.socket.Protocol;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Docker's published ports, from its {@code docker-proxy} processes: each one's command line
 * ({@code -proto tcp -host-ip 0.0.0.0 -host-port 8080 -container-ip 172.17.0.2 -container-port 80})
 * links the host listener it holds to the container port it forwards to; the container is the
 * running one whose {@code config.v2.json} gives it that address ({@code
 * NetworkSettings.Networks.*.IPAddress} or {@code GlobalIPv6Address}). Files only. Ports published
 * without a proxy ({@code "userland-proxy": false}, iptables/nftables DNAT alone) have no process
 * and are not seen here. Safe for use from several threads (one at a time).
 */
public final class DockerProxyLinks {

  private static final String PROXY = "docker-proxy";

  private final Path procRoot;
  private final RuntimeFiles files;
  private final Path containersDir;
  private final Map<String, AddressedContainer> byId = new HashMap<>();

  /** A running container's addresses as its config.v2.json gave them at {@code modified}. */
  private record AddressedContainer(
      String id, String name, Set<String> addresses, FileTime modified) {}

  private DockerProxyLinks(Path procRoot, Path hostRoot) {
    this.procRoot = procRoot;
    this.files = new RuntimeFiles(hostRoot);
    this.containersDir = hostRoot.resolve("var/lib/docker/containers");
  }

  /** Links read from processes under {@code procRoot} and Docker's files under {@code hostRoot}. */
  public static DockerProxyLinks create(Path procRoot, Path hostRoot) {
    return new DockerProxyLinks(procRoot, hostRoot);
  }

  /** Every docker-proxy process's published port, lowest pid first. */
  public synchronized List<PublishedPort> all() {
    List<PublishedPort> out = new ArrayList<>();
    List<Integer> pids = new ArrayList<>();
    for (String name : SmallFiles.names(procRoot)) {
      if (!name.isEmpty() && name.chars().allMatch(Character::isDigit) && name.length() < 10) {
        pids.add(Integer.parseInt(name));
      }
    }
    pids.sort(null);
    for (int pid : pids) {
      String comm = SmallFiles.text(procRoot.resolve(Integer.toString(pid)).resolve("comm"));
      if (comm != null && comm.strip().equals(PROXY)) {
        of(pid).ifPresent(out::add);
      }
    }
    return out;
  }

  /** The port process {@code pid} publishes, if it is a docker-proxy. */
  public synchronized Optional<PublishedPort> of(int pid) {
    String cmdline = SmallFiles.text(procRoot.resolve(Integer.toString(pid)).resolve("cmdline"));
    PublishedPort port = parse(pid, SmallFiles.nulSeparated(cmdline));
    if (port == null) {
      return Optional.empty();
    }
    AddressedContainer c = containerWithAddress(port.containerIp());
    return Optional.of(c == null ? port : port.withContainer(c.id(), c.name()));
  }

  /**
   * The port a docker-proxy command line publishes, without its container; null when it is no
   * docker-proxy's or lacks an argument. Flags in Go's forms: {@code -flag value}, {@code --flag
   * value}, {@code -flag=value}.
   */
  static PublishedPort parse(int pid, List<String> argv) {
    if (argv.isEmpty() || !Path.of(argv.getFirst()).getFileName().toString().equals(PROXY)) {
      return null;
    }
    Map<String, String> flags = new HashMap<>();
    for (int i = 1; i < argv.size(); i++) {
      String arg = argv.get(i);
      if (!arg.startsWith("-")) {
        continue;
      }
      String flag = arg.startsWith("--") ? arg.substring(2) : arg.substring(1);
      int eq = flag.indexOf('=');
      if (eq >= 0) {
        flags.put(flag.substring(0, eq), flag.substring(eq + 1));
      } else if (i + 1 < argv.size() && !argv.get(i + 1).startsWith("-")) {
        flags.put(flag, argv.get(++i));
      }
    }
    Protocol protocol = protocol(flags.get("proto"));
    int hostPort = port(flags.get("host-port"));
    int containerPort = port(flags.get("container-port"));
    String hostIp = flags.get("host-ip");
    String containerIp = flags.get("container-ip");
    if (protocol == null
        || hostPort < 0
        || containerPort < 0
        || hostIp == null
        || containerIp == null) {
      return null;
    }
    return new PublishedPort(
        pid, protocol, hostIp, hostPort, containerIp, containerPort, null, null);
  }

  /** The running container with this address, reading only config.v2.json files that changed. */
  private AddressedContainer containerWithAddress(String ip) {
    Set<String> present = new HashSet<>();
    AddressedContainer found = null;
    for (String id : SmallFiles.names(containersDir)) {
      present.add(id);
      AddressedContainer c = current(id);
      if (c != null && found == null && c.addresses().contains(ip)) {
        found = c;
      }
    }
    byId.keySet().retainAll(present);
    return found;
  }

  private AddressedContainer current(String id) {
    Path config = files.dockerConfig(id);
    FileTime modified;
    try {
      modified = Files.getLastModifiedTime(config);
    } catch (java.io.IOException | RuntimeException e) {
      byId.remove(id);
      return null;
    }
    AddressedContainer known = byId.get(id);
    if (known != null && known.modified().equals(modified)) {
      return known;
    }
    Object json = JsonTree.read(config);
    Set<String> addresses = new HashSet<>();
    if (Boolean.TRUE.equals(JsonTree.map(json, "State").get("Running"))) {
      for (Object network :
          JsonTree.map(JsonTree.map(json, "NetworkSettings"), "Networks").values()) {
        for (String key : List.of("IPAddress", "GlobalIPv6Address")) {
          String address = JsonTree.string(network, key);
          if (address != null && !address.isEmpty()) {
            addresses.add(address);
          }
        }
      }
    }
    String name = JsonTree.string(json, "Name");
    if (name != null && name.startsWith("/")) {
      name = name.substring(1);
    }
    AddressedContainer c = new AddressedContainer(id, name, Set.copyOf(addresses), modified);
    byId.put(id, c);
    return c;
  }

  private static Protocol protocol(String name) {
    return "tcp".equals(name) ? Protocol.TCP : "udp".equals(name) ? Protocol.UDP : null;
  }

  private static int port(String text) {
    try {
      int p = text == null ? -1 : Integer.parseInt(text);
      return p >= 0 && p <= 65535 ? p : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
