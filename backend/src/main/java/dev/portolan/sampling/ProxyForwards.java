package dev.portolan.sampling;

import dev.portolan.netns.ContainerForward;
import dev.portolan.netns.DockerProxyLinks;
import dev.portolan.netns.PublishedPort;
import dev.portolan.owner.Owner;
import dev.portolan.owner.OwnerStatus;
import dev.portolan.owner.ProcessInfo;
import dev.portolan.socket.Protocol;
import dev.portolan.socket.SocketEntry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Links the host listeners {@code docker-proxy} processes hold to the container ports they forward
 * to ({@link OwnedSocket#forwardsTo()}): the published port from the proxy's command line and
 * Docker's files ({@link DockerProxyLinks}), and the namespace of the sample that listens on the
 * container's address and port (else the one labelled with that container). A proxy's command line
 * is read once per process and again every {@value #REREAD_SAMPLES} samples (its container's name
 * may become known later). A sample without a docker-proxy listener costs one pass over its rows.
 * One sampling thread.
 */
final class ProxyForwards {
  static final String PROXY = "docker-proxy";
  private static final int REREAD_SAMPLES = 30;

  private final DockerProxyLinks links;
  private final Map<Integer, Read> byPid = new HashMap<>();
  private long samples;

  /** A proxy's published port as read at sample {@code at}, for the process that started then. */
  private record Read(long startTicks, Optional<PublishedPort> port, long at) {}

  ProxyForwards(DockerProxyLinks links) {
    this.links = links;
  }

  /** {@code rows} with every docker-proxy listener's forward; the same list when there is none. */
  List<OwnedSocket> link(List<OwnedSocket> rows) {
    samples++;
    List<Integer> proxies = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      if (isProxyListener(rows.get(i))) {
        proxies.add(i);
      }
    }
    if (proxies.isEmpty()) {
      byPid.clear();
      return rows;
    }
    List<OwnedSocket> out = new ArrayList<>(rows);
    Set<Integer> seen = new HashSet<>();
    for (int i : proxies) {
      OwnedSocket row = rows.get(i);
      ProcessInfo p = row.owner().process();
      seen.add(p.pid());
      Optional<PublishedPort> port = published(p);
      SocketEntry e = row.socket();
      if (port.isPresent() && port.get().isHostSideOf(e.proto(), e.localAddress(), e.localPort())) {
        out.set(
            i,
            row.withForwardsTo(
                ContainerForward.of(port.get(), listeningNamespace(rows, row, port.get()))));
      }
    }
    byPid.keySet().retainAll(seen);
    return out;
  }

  static boolean isProxyListener(OwnedSocket row) {
    Owner o = row.owner();
    SocketEntry e = row.socket();
    return o.status() == OwnerStatus.PROCESS
        && o.process() != null
        && PROXY.equals(o.process().name())
        && e.isListening()
        && (e.proto() == Protocol.TCP || e.proto() == Protocol.UDP);
  }

  private Optional<PublishedPort> published(ProcessInfo p) {
    Read read = byPid.get(p.pid());
    if (read == null
        || read.startTicks() != p.startTimeTicks()
        || samples - read.at() >= REREAD_SAMPLES) {
      read = new Read(p.startTimeTicks(), links.of(p.pid()), samples);
      byPid.put(p.pid(), read);
    }
    return read.port();
  }

  /**
   * The namespace (other than the proxy's) with a listener on the container's address and port;
   * else the one labelled with the container's id; 0 when none.
   */
  private static long listeningNamespace(
      List<OwnedSocket> rows, OwnedSocket proxy, PublishedPort p) {
    long own = proxy.netnsInode();
    long labelled = 0;
    for (OwnedSocket r : rows) {
      long ns = r.netnsInode();
      if (ns == own) {
        continue;
      }
      SocketEntry e = r.socket();
      if (e.isListening()
          && e.proto() == p.protocol()
          && e.localPort() == p.containerPort()
          && p.containerIp().equals(e.localAddress())) {
        return ns;
      }
      if (labelled == 0
          && p.containerId() != null
          && r.namespace() != null
          && r.namespace().label() != null
          && p.containerId().equals(r.namespace().label().containerId())) {
        labelled = ns;
      }
    }
    return labelled;
  }
}
