package dev.portolan.dashboard;

import dev.portolan.bus.ListedSocket;
import dev.portolan.bus.NodeEntry;
import dev.portolan.fleet.NodeFacts;
import dev.portolan.frontend.view.Fact;
import dev.portolan.frontend.view.FleetNodeRow;
import dev.portolan.frontend.view.NodePageView;
import dev.portolan.frontend.view.NodeRow;
import dev.portolan.frontend.view.ProcessLink;
import dev.portolan.owner.ProcessInfo;
import dev.portolan.sampling.SamplerState;
import dev.portolan.socket.AddressText;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;

/**
 * A node's page from its fleet entry and listeners: facts from its heartbeats, socket counts, who
 * listens.
 */
final class NodePage {
  private static final int MAX_PROCESSES = 50;

  private NodePage() {}

  static NodePageView view(
      NodeEntry entry,
      FleetNodeRow row,
      NodeRow map,
      List<ListedSocket> listeners,
      long seq,
      long now) {
    String name = row.name();
    String q = "?node=" + Links.segment(name);
    return new NodePageView(
        row,
        facts(entry, now),
        counts(entry.sockets()),
        map,
        processes(name, listeners, row.live()),
        "/connections" + q,
        "/connections" + q + "&listening=true",
        "/ui/events" + q + "&listening=true&last-event-id=" + seq,
        seq);
  }

  static List<Fact> facts(NodeEntry n, long now) {
    List<Fact> facts = new ArrayList<>();
    NodeFacts f = n.facts();
    if (f != null) {
      List<String> addresses = f.addresses();
      facts.add(
          new Fact(
              "Addresses",
              addresses.isEmpty()
                  ? "none reported"
                  : String.join(", ", addresses.stream().map(NodePage::shortAddress).toList())));
      add(facts, "Kernel", f.kernel());
      add(facts, "Role", f.role());
      String reader = f.reader();
      String readerNote = f.readerNote();
      add(
          facts,
          "Reader",
          reader == null ? null : readerNote == null ? reader : reader + " (" + readerNote + ")");
      add(facts, "Short-lived sockets", f.shortLived());
      facts.add(new Fact("Samples every", Clock.interval(f.intervalMillis())));
      SamplerState sampler = f.sampler();
      if (sampler != null) {
        facts.add(
            new Fact(
                "Sampler",
                sampler.describe()
                    + ("; " + sampler.overruns() + " samples took longer than the interval")));
      }
    }
    long started = f == null ? 0L : f.startedAtMillis();
    if (started > 0) {
      facts.add(
          new Fact(
              "Portolan started",
              Clock.when(started, now)
                  + " (up "
                  + Clock.duration(Math.max(0, now - started) / 1000)
                  + ")"));
    }
    facts.add(
        new Fact(
            "Last sample",
            Clock.when(n.lastSampleAt(), now) + " (" + Clock.ago(n.lastSampleAt(), now) + ")"));
    facts.add(new Fact("Last heartbeat", Clock.ago(n.lastHeartbeatAt(), now)));
    if (n.resyncing()) {
      facts.add(new Fact("Resyncing", "yes: the hub is catching up with a snapshot of this node"));
    }
    return facts;
  }

  /** An address as {@code ss} prints it ({@code fd00::2}, not {@code fd00:0:0:0:0:0:0:2}). */
  static String shortAddress(String text) {
    try {
      return AddressText.of(InetAddress.ofLiteral(text).getAddress());
    } catch (IllegalArgumentException e) {
      return text;
    }
  }

  private static void add(List<Fact> facts, String label, String value) {
    if (value != null && !value.isBlank()) {
      facts.add(new Fact(label, value));
    }
  }

  /** "312 sockets: tcp 40, tcp6 3, udp 5, udp6 1, unix 263; 17 listening". */
  static String counts(Map<String, Integer> c) {
    StringJoiner per = new StringJoiner(", ");
    for (String proto : List.of("tcp", "tcp6", "udp", "udp6", "unix")) {
      if (c.get(proto) != null) {
        per.add(proto + " " + c.get(proto));
      }
    }
    return c.getOrDefault("total", 0)
        + " sockets"
        + (per.length() == 0 ? "" : ": " + per)
        + "; "
        + c.getOrDefault("listening", 0)
        + " listening";
  }

  /**
   * The processes that own its TCP/UDP listeners, with their ports; linked while the node is live.
   */
  static List<ProcessLink> processes(String node, List<ListedSocket> listeners, boolean live) {
    Map<Integer, String> names = new LinkedHashMap<>();
    Map<Integer, Set<String>> ports = new LinkedHashMap<>();
    for (ListedSocket s : listeners) {
      ProcessInfo p = s.owner().process();
      if (p == null) {
        continue;
      }
      names.putIfAbsent(p.pid(), p.name());
      ports
          .computeIfAbsent(p.pid(), x -> new LinkedHashSet<>())
          .add(s.entry().proto().wireName() + "/" + s.entry().localPort());
    }
    List<ProcessLink> out = new ArrayList<>();
    for (Map.Entry<Integer, String> e : names.entrySet()) {
      if (out.size() == MAX_PROCESSES) {
        break;
      }
      int pid = e.getKey();
      String href = live ? "/processes/" + Links.segment(node) + "/" + pid : null;
      out.add(new ProcessLink(e.getValue(), pid, href, String.join(" ", ports.get(pid))));
    }
    out.sort(java.util.Comparator.comparing(ProcessLink::name).thenComparingInt(ProcessLink::pid));
    return out;
  }
}
