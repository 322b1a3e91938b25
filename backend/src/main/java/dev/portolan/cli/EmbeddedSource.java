package dev.portolan.cli;

import dev.portolan.owner.Owner;
import dev.portolan.owner.OwnerIndex;
import dev.portolan.owner.OwnersByInode;
import dev.portolan.owner.ProcessInfo;
import dev.portolan.owner.StillHeld;
import dev.portolan.socket.KernelSockstat;
import dev.portolan.socket.Protocol;
import dev.portolan.socket.SocketEntry;
import dev.portolan.socket.SocketReaders;
import dev.portolan.socket.SocketTableReader;
import dev.portolan.text.PortHolder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * This host read in-process, with the node's own readers (netlink or {@code /proc/net}, and the
 * owner index over {@code /proc}), when no node answers: Portolan's own network namespace only.
 */
final class EmbeddedSource implements SocketSource {
  private final String node = hostName();
  private SocketTableReader reader;

  @Override
  public String where() {
    return "this host (" + node + ", read in-process)";
  }

  private SocketTableReader reader() {
    if (reader == null) {
      try {
        reader = SocketReaders.choose(SocketReaders.Setting.AUTO).reader();
      } catch (IOException e) {
        throw new CliException(CliException.FAILED, "cannot read this host's sockets: " + e);
      }
    }
    return reader;
  }

  private List<SocketEntry> read(Set<Protocol> protocols) {
    try {
      return reader().read(protocols);
    } catch (IOException e) {
      throw new CliException(
          CliException.FAILED, "cannot read this host's sockets: " + e.getMessage());
    }
  }

  private List<SocketRow> owned(List<SocketEntry> entries) {
    OwnersByInode owners = OwnerIndex.create().update(entries, StillHeld.byReading(reader()));
    List<SocketRow> rows = new ArrayList<>(entries.size());
    for (SocketEntry e : entries) {
      rows.add(SocketRow.of(node, e, owners.owner(e.inode()), owners.fd(e.inode())));
    }
    return rows;
  }

  private void checkNode(String asked) {
    if (asked != null && !asked.equals(node)) {
      throw new CliException(
          CliException.UNREACHABLE,
          "no node is reachable, and this host is " + node + ", not " + asked);
    }
  }

  @Override
  public List<SocketRow> sockets(Map<String, String> parameters) {
    checkNode(parameters.get("node"));
    if (parameters.containsKey("netns") || parameters.containsKey("container")) {
      throw new CliException(
          CliException.UNREACHABLE,
          "--netns and --container need a running node (no node is reachable; this host's own"
              + " namespace is all that is read in-process)");
    }
    return owned(read(protocols(parameters.get("proto"))));
  }

  private static Set<Protocol> protocols(String proto) {
    if (proto == null) {
      return EnumSet.allOf(Protocol.class);
    }
    Set<Protocol> out = EnumSet.noneOf(Protocol.class);
    for (String p : proto.split(",")) {
      if (p.startsWith("tcp")) {
        out.add(Protocol.TCP);
      } else if (p.startsWith("udp")) {
        out.add(Protocol.UDP);
      } else if (p.equals("unix")) {
        out.add(Protocol.UNIX);
      } else {
        out.add(Protocol.TCP);
        out.add(Protocol.UDP);
      }
    }
    return out;
  }

  @Override
  public List<PortHolder> portHolders(String proto, int port, String asked) {
    checkNode(asked);
    List<SocketEntry> onPort = new ArrayList<>();
    for (SocketEntry e : read(EnumSet.of(Protocol.fromWire(proto)))) {
      if (e.localPort() == port) {
        onPort.add(e);
      }
    }
    PortHolder.Grouping groups = new PortHolder.Grouping();
    for (SocketRow r : owned(onPort)) {
      SocketRow.ProcessOwner o = r.owner();
      groups.add(
          new PortHolder(
              r.node(),
              proto,
              o.status(),
              o.pid(),
              o.process(),
              o.user(),
              o.cmdline(),
              1,
              r.listening()));
    }
    return groups.holders();
  }

  @Override
  public ProcessSockets process(int pid, String asked) {
    checkNode(asked);
    OwnerIndex index = OwnerIndex.create();
    ProcessInfo info =
        index
            .process(pid)
            .orElseThrow(
                () -> new CliException(CliException.FAILED, "no process " + pid + " on " + node));
    Set<Long> inodes = index.socketInodesOf(pid);
    List<SocketRow> rows = new ArrayList<>();
    Owner owner = Owner.of(info);
    for (SocketEntry e : read(EnumSet.allOf(Protocol.class))) {
      if (e.inode() != 0 && inodes.contains(e.inode())) {
        rows.add(SocketRow.of(node, e, owner));
      }
    }
    Map<String, Object> process = new LinkedHashMap<>();
    process.put("pid", (long) info.pid());
    process.put("process", info.name());
    process.put("user", info.user());
    process.put("uid", (long) info.uid());
    process.put("cmdline", info.cmdline());
    process.put("unit", info.unit());
    process.put("container", info.container());
    return new ProcessSockets(node, process, rows);
  }

  @Override
  public Map<String, Object> summary(String asked) {
    checkNode(asked);
    List<SocketEntry> all = read(EnumSet.allOf(Protocol.class));
    Map<String, Map<String, Long>> protocols = new TreeMap<>();
    Map<String, Long> tcpStates = new TreeMap<>();
    for (SocketEntry e : all) {
      String label =
          e.proto().wireName()
              + (e.proto() != Protocol.UNIX && e.family() == dev.portolan.socket.Family.IPV6
                  ? "6"
                  : "");
      Map<String, Long> counts = protocols.computeIfAbsent(label, k -> new TreeMap<>());
      counts.merge(e.state().filterName(), 1L, Long::sum);
      counts.merge("total", 1L, Long::sum);
      if (e.proto() == Protocol.TCP) {
        tcpStates.merge(e.state().filterName(), 1L, Long::sum);
        tcpStates.merge("total", 1L, Long::sum);
      }
    }
    Map<String, Object> j = new LinkedHashMap<>();
    j.put("node", node);
    j.put("total", (long) all.size());
    j.put("protocols", protocols);
    j.put("tcpStates", tcpStates);
    try {
      KernelSockstat kernel = reader().sockstat();
      j.put("kernel", kernel.counters());
    } catch (IOException e) {
      // the summary stands without the kernel's counters
    }
    return j;
  }

  @Override
  public Map<String, Object> nodes(String asked) {
    throw new CliException(
        CliException.UNREACHABLE, "nodes needs a running node, and none is reachable");
  }

  static String hostName() {
    try {
      String h = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
      if (!h.isEmpty()) {
        return h;
      }
    } catch (IOException e) {
      // fall through
    }
    return "localhost";
  }
}
