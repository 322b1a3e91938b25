package dev.portolan.dashboard;

import dev.portolan.frontend.view.Fact;
import dev.portolan.frontend.view.FleetNodeRow;
import dev.portolan.frontend.view.NodePageView;
import dev.portolan.frontend.view.NodeRow;
import dev.portolan.frontend.view.ProcessLink;
import dev.portolan.socket.AddressText;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;

/** A node's page from its fleet entry and listeners: facts from its heartbeats, socket counts, who listens. */
final class NodePage {
  private static final int MAX_PROCESSES = 50;

  private NodePage() {
  }

  static NodePageView view(JsonObject entry, FleetNodeRow row, NodeRow map, JsonObject listeners, long seq, long now) {
    String name = row.name();
    String q = "?node=" + Links.segment(name);
    return new NodePageView(row, facts(entry, now), counts(entry.getJsonObject("sockets", new JsonObject())), map,
        processes(name, listeners.getJsonArray("sockets", new JsonArray()), row.live()), "/connections" + q,
        "/connections" + q + "&listening=true", "/ui/events" + q + "&listening=true&last-event-id=" + seq, seq);
  }

  static List<Fact> facts(JsonObject n, long now) {
    List<Fact> facts = new ArrayList<>();
    JsonArray addresses = n.getJsonArray("addresses");
    if (addresses != null) {
      facts.add(new Fact("Addresses", addresses.isEmpty() ? "none reported"
          : String.join(", ", addresses.stream().map(a -> shortAddress(String.valueOf(a))).toList())));
    }
    add(facts, "Kernel", n.getString("kernel"));
    add(facts, "Role", n.getString("role"));
    String reader = n.getString("reader");
    String readerNote = n.getString("readerNote");
    add(facts, "Reader", reader == null ? null : readerNote == null ? reader : reader + " (" + readerNote + ")");
    add(facts, "Short-lived sockets", n.getString("shortLived"));
    if (n.getLong("intervalMillis") != null) {
      facts.add(new Fact("Samples every", Clock.interval(n.getLong("intervalMillis"))));
    }
    JsonObject sampler = n.getJsonObject("sampler");
    if (sampler != null) {
      facts.add(new Fact("Sampler", sampler.getString("note", "") + ("; " + sampler.getLong("overruns", 0L)
          + " samples took longer than the interval")));
    }
    long started = n.getLong("portolanStartedAt", 0L);
    if (started > 0) {
      facts.add(new Fact("Portolan started", Clock.when(started, now) + " (up " + Clock.duration(Math.max(0, now - started) / 1000) + ")"));
    }
    facts.add(new Fact("Last sample", Clock.when(n.getLong("lastSampleAt", 0L), now) + " (" + Clock.ago(n.getLong("lastSampleAt", 0L), now) + ")"));
    facts.add(new Fact("Last heartbeat", Clock.ago(n.getLong("lastHeartbeatAt", 0L), now)));
    if (n.getBoolean("resyncing", false)) {
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
  static String counts(JsonObject c) {
    StringJoiner per = new StringJoiner(", ");
    for (String proto : List.of("tcp", "tcp6", "udp", "udp6", "unix")) {
      if (c.getValue(proto) != null) {
        per.add(proto + " " + c.getInteger(proto));
      }
    }
    return c.getInteger("total", 0) + " sockets" + (per.length() == 0 ? "" : ": " + per) + "; "
        + c.getInteger("listening", 0) + " listening";
  }

  /** The processes that own its TCP/UDP listeners, with their ports; linked while the node is live. */
  static List<ProcessLink> processes(String node, JsonArray listeners, boolean live) {
    Map<Integer, String> names = new LinkedHashMap<>();
    Map<Integer, Set<String>> ports = new LinkedHashMap<>();
    for (int i = 0; i < listeners.size(); i++) {
      JsonObject s = listeners.getJsonObject(i);
      JsonObject owner = s.getJsonObject("owner", new JsonObject());
      Integer pid = owner.getInteger("pid");
      if (!"process".equals(owner.getString("status")) || pid == null) {
        continue;
      }
      names.putIfAbsent(pid, owner.getString("process", "?"));
      ports.computeIfAbsent(pid, p -> new LinkedHashSet<>()).add(s.getString("proto") + "/" + s.getInteger("localPort", 0));
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
