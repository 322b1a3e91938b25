package dev.portolan.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.fleet.FleetCompleteness;
import dev.portolan.fleet.NodeFacts;
import dev.portolan.netns.NamespaceLabel;
import dev.portolan.netns.SocketNamespace;
import dev.portolan.owner.Owner;
import dev.portolan.owner.ProcessInfo;
import dev.portolan.sampling.OwnedSocket;
import dev.portolan.sampling.Rows;
import dev.portolan.sampling.SamplerState;
import dev.portolan.sampling.SummaryTrend;
import dev.portolan.service.ServiceNames;
import dev.portolan.socket.Protocol;
import dev.portolan.socket.SocketState;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Replies cross a cluster and are what the HTTP API returns: fromJson(toJson(x)) == x after a trip
 * through text, and the JSON a reply decoded from JSON gives is the JSON it came from, byte for
 * byte (field order, nulls).
 */
class RepliesRoundTripTest {
  private static final ServiceNames SERVICES = ServiceNames.builtInOnly();

  private static <T> void roundTrips(
      T reply, Function<T, JsonObject> toJson, Function<JsonObject, T> fromJson) {
    String text = toJson.apply(reply).encode();
    T back = fromJson.apply(new JsonObject(text));
    assertEquals(reply, back);
    assertEquals(text, toJson.apply(back).encode(), "the same JSON, byte for byte");
  }

  static List<ListedSocket> rows(Boolean live) {
    List<OwnedSocket> sockets =
        List.of(
            Rows.listener(22, 5, Owner.of(Rows.process(10, "sshd"))),
            Rows.tcp(
                "::ffff:10.0.0.1",
                443,
                "2001:db8::1",
                50000,
                SocketState.FIN_WAIT2,
                6,
                Owner.PERMISSION_DENIED),
            Rows.tcp("10.0.0.1", 40000, "10.0.0.2", 5432, SocketState.ESTABLISHED, 9, Owner.KERNEL),
            Rows.udp("0.0.0.0", 53, 7, Owner.UNKNOWN),
            Rows.unix("@abstract <script>", 8, Owner.of(Rows.process(11, "app"))));
    return sockets.stream().map(s -> ListedSocket.of("n1", s, SERVICES, live)).toList();
  }

  static List<ListedSocket> on(String node, List<ListedSocket> rows) {
    return rows.stream()
        .map(r -> new ListedSocket(node, r.socket(), r.service(), r.live()))
        .toList();
  }

  static NodeEntry entry(String name, boolean withFacts) {
    Map<String, Integer> counts = new LinkedHashMap<>();
    counts.put("total", 12);
    counts.put("tcp", 7);
    counts.put("unix", 5);
    counts.put("listening", 3);
    NodeFacts facts =
        withFacts
            ? new NodeFacts(
                name,
                "c-1",
                "agent",
                "netlink",
                1000,
                1_700_000_000_000L,
                "6.8.0",
                List.of("10.0.0.1", "fd00::1"),
                null,
                "on",
                true,
                new SamplerState(1000, 4000, 2500, 7),
                "on")
            : null;
    return new NodeEntry(
        name,
        withFacts ? "up" : "resyncing",
        1_700_000_000_500L,
        withFacts ? null : "no table yet",
        true,
        !withFacts,
        1_700_000_001_000L,
        withFacts ? 1_700_000_000_900L : 0,
        42,
        counts,
        facts,
        99);
  }

  @Test
  void socketRowsWithAndWithoutLive() {
    for (Boolean live : new Boolean[] {null, true, false}) {
      for (ListedSocket row : rows(live)) {
        roundTrips(row, ListedSocket::toJson, ListedSocket::fromJson);
      }
    }
    ListedSocket connection = rows(null).get(2);
    assertEquals(
        "postgresql",
        connection.service(),
        "a connection is named by its remote port when its local has none");
    assertFalse(connection.toJson().containsKey("live"), "a node's own rows do not say live");
    assertNull(rows(null).get(4).toJson().getValue("service"), "unix rows have no service");
    assertFalse(rows(null).get(4).toJson().containsKey("service"));
  }

  @Test
  void fieldsBeyondAReplysShapeAreDropped() {
    JsonObject row = rows(true).get(0).toJson().put("injected", "<script>");
    row.getJsonObject("owner").put("extra", 1);
    assertEquals(rows(true).get(0).toJson().encode(), ListedSocket.fromJson(row).toJson().encode());
    JsonObject page =
        new FleetSocketsReply(1, 1, null, rows(true).subList(0, 1), FleetCompleteness.COMPLETE)
            .toJson()
            .put("extra", true);
    assertFalse(FleetSocketsReply.fromJson(page).toJson().containsKey("extra"));
  }

  @Test
  void aRowIsTheSocketJsonOfItsSocket() {
    for (ListedSocket row : rows(true)) {
      JsonObject expected = SocketJson.toJson("n1", row.socket(), SERVICES).put("live", true);
      assertEquals(expected.encode(), row.toJson().encode());
    }
  }

  @Test
  void nodes() {
    FleetCompleteness resyncing =
        new FleetCompleteness(false, List.of("n2"), 1, "1 node has not sent its table yet");
    roundTrips(
        new NodesReply(99, List.of(entry("n1", true), entry("n2", false)), resyncing),
        NodesReply::toJson,
        NodesReply::fromJson);
    roundTrips(
        new NodesReply(0, List.of(), FleetCompleteness.COMPLETE),
        NodesReply::toJson,
        NodesReply::fromJson);
    JsonObject n1 = entry("n1", true).toJson();
    assertEquals(
        List.of(
            "name",
            "status",
            "statusSince",
            "statusReason",
            "live",
            "resyncing",
            "lastHeartbeatAt",
            "lastSampleAt",
            "nodeSeq",
            "sockets",
            "role",
            "reader",
            "readerNote",
            "shortLived",
            "namespaces",
            "busTls",
            "intervalMillis",
            "portolanStartedAt",
            "kernel",
            "addresses",
            "clusterNodeId",
            "sampler",
            "seq"),
        List.copyOf(n1.fieldNames()));
    assertTrue(
        n1.containsKey("readerNote") && n1.getValue("readerNote") == null,
        "a null fact is there, as null");
    assertEquals(
        List.of(
            "name",
            "status",
            "statusSince",
            "statusReason",
            "live",
            "resyncing",
            "lastHeartbeatAt",
            "lastSampleAt",
            "nodeSeq",
            "sockets",
            "seq"),
        List.copyOf(entry("n2", false).toJson().fieldNames()),
        "no facts before the first heartbeat");
    assertEquals(
        "{\"seq\":0,\"nodes\":[],\"complete\":true}",
        new NodesReply(0, List.of(), FleetCompleteness.COMPLETE).toJson().encode());
  }

  @Test
  void fleetSockets() {
    roundTrips(
        new FleetSocketsReply(7, 120, "abc", rows(false), FleetCompleteness.COMPLETE),
        FleetSocketsReply::toJson,
        FleetSocketsReply::fromJson);
    FleetSocketsReply last =
        new FleetSocketsReply(
            7,
            5,
            null,
            rows(true),
            new FleetCompleteness(false, List.of(), 2, "2 members sent no heartbeat yet"));
    roundTrips(last, FleetSocketsReply::toJson, FleetSocketsReply::fromJson);
    JsonObject j = last.toJson();
    assertEquals(
        List.of("seq", "matched", "count", "nextCursor", "sockets", "complete", "resync"),
        List.copyOf(j.fieldNames()));
    assertEquals(5, j.getInteger("count"));
  }

  static Map<String, Integer> states(int listen, int established) {
    Map<String, Integer> m = new LinkedHashMap<>();
    m.put("listen", listen);
    m.put("established", established);
    m.put("total", listen + established);
    return m;
  }

  @Test
  void summaries() {
    Map<String, Map<String, Integer>> protocols = new LinkedHashMap<>();
    protocols.put("tcp", states(3, 4));
    protocols.put("udp6", states(0, 1));
    Map<String, Map<String, Long>> kernel = new LinkedHashMap<>();
    kernel.put("TCP", Map.of("inuse", 12L, "orphan", 0L, "tw", 3L));
    kernel.put("UDP", Map.of("inuse", 4L, "mem", 5_000_000_000L));
    NodeSummaryReply node =
        new NodeSummaryReply(
            "n1",
            1_700_000_000_000L,
            8,
            protocols,
            states(3, 4),
            kernel,
            List.of(
                new SummaryTrend.Point(1000, 3, 4, 1, 0, 8),
                new SummaryTrend.Point(2000, 3, 5, 0, 2, 10)));
    roundTrips(node, NodeSummaryReply::toJson, NodeSummaryReply::fromJson);
    assertEquals(
        List.of("node", "sampledAt", "total", "protocols", "tcpStates", "kernel", "trend"),
        List.copyOf(node.toJson().fieldNames()));
    assertEquals(
        "{\"t\":2000,\"listen\":3,\"established\":5,\"time-wait\":0,\"close-wait\":2,\"total\":10}",
        node.toJson().getJsonArray("trend").getJsonObject(1).encode());

    Map<String, Integer> nodes = new LinkedHashMap<>();
    nodes.put("up", 2);
    nodes.put("stale", 1);
    nodes.put("down", 0);
    FleetSummaryReply fleet =
        new FleetSummaryReply(
            77,
            8,
            protocols,
            states(3, 4),
            nodes,
            new FleetCompleteness(false, List.of("n3"), 0, "resyncing"));
    roundTrips(fleet, FleetSummaryReply::toJson, FleetSummaryReply::fromJson);
    assertEquals(
        List.of("seq", "total", "protocols", "tcpStates", "nodes", "complete", "resync"),
        List.copyOf(fleet.toJson().fieldNames()));
    assertEquals(3, fleet.liveNodes());
    assertEquals(List.of(), fleet.trend());
  }

  @Test
  void stateCountsEndWithTheirTotal() {
    Map<SocketState, Integer> byState = new LinkedHashMap<>();
    byState.put(SocketState.TIME_WAIT, 2);
    byState.put(SocketState.LISTEN, 5);
    assertEquals(
        "{\"time-wait\":2,\"listen\":5,\"total\":7}",
        new JsonObject(new LinkedHashMap<>(FleetJson.stateCounts(byState))).encode());
  }

  @Test
  void processes() {
    ProcessInfo p =
        new ProcessInfo(10, "sshd", 0, "root", "/usr/sbin/sshd -D", "ssh.service", null, 12345);
    ProcessReply reply =
        new ProcessReply(
            "n1", p, 1_700_000_000_000L, rows(null), List.of(77L, 5_000_000_000L), null);
    roundTrips(reply, ProcessReply::toJson, ProcessReply::fromJson);
    ProcessReply inPod =
        new ProcessReply(
            "n1",
            p,
            1_700_000_000_000L,
            rows(null),
            List.of(),
            new SocketNamespace(
                4026532500L,
                new NamespaceLabel(
                    NamespaceLabel.Kind.POD,
                    "cni-1",
                    null,
                    "web",
                    null,
                    "default",
                    "web-0",
                    "u1")));
    roundTrips(inPod, ProcessReply::toJson, ProcessReply::fromJson);
    assertEquals(
        "{\"netns\":4026532500,\"netnsKind\":\"pod\",\"netnsName\":\"cni-1\","
            + "\"container\":{\"name\":\"web\"},"
            + "\"pod\":{\"namespace\":\"default\",\"name\":\"web-0\",\"uid\":\"u1\"}}",
        inPod.toJson().getJsonObject("namespace").encode());
    assertEquals(
        List.of("node", "process", "sampledAt", "sockets", "unsampledInodes"),
        List.copyOf(reply.toJson().fieldNames()));
    assertEquals(
        SocketJson.processToJson(p).encode(), reply.toJson().getJsonObject("process").encode());
  }

  @Test
  void owners() {
    PortOwnersReply node =
        new PortOwnersReply(
            "n1", Protocol.TCP, 22, "ssh", true, 1000, rows(null).subList(0, 1), null);
    roundTrips(node, PortOwnersReply::toJson, PortOwnersReply::fromJson);
    assertFalse(node.toJson().containsKey("status"), "a node's own answer does not say its status");
    roundTrips(node.withStatus("up"), PortOwnersReply::toJson, PortOwnersReply::fromJson);
    assertEquals("status", List.copyOf(node.withStatus("up").toJson().fieldNames()).getLast());

    FleetPortReply port =
        new FleetPortReply(
            Protocol.TCP,
            22,
            List.of(
                new FleetPortReply.OnNode(
                    "n1",
                    "up",
                    true,
                    true,
                    1000,
                    rows(true).subList(0, 1),
                    PortOwner.group(rows(true).subList(0, 1))),
                new FleetPortReply.OnNode(
                    "n2",
                    "down",
                    false,
                    false,
                    900,
                    List.of(),
                    PortOwner.group(rows(false).subList(1, 2)))));
    roundTrips(port, FleetPortReply::toJson, FleetPortReply::fromJson);

    // owners grouped by holder, the sockets not listed
    PortOwnersReply grouped =
        new PortOwnersReply(
            "n1",
            Protocol.TCP,
            22,
            "ssh",
            true,
            1000,
            List.of(),
            "up",
            PortOwner.group(rows(null)),
            rows(null).size(),
            false);
    roundTrips(grouped, PortOwnersReply::toJson, PortOwnersReply::fromJson);
    assertFalse(grouped.toJson().containsKey("sockets"), "sockets listed only when asked");

    FleetOwnersReply fleet =
        FleetOwnersReply.merge(
            List.of(
                new FleetOwnersReply.Seen("n1", "up", true, true, 1000, rows(null).subList(0, 1)),
                new FleetOwnersReply.Seen(
                    "n2", "down", false, false, 900, on("n2", rows(false).subList(0, 2)))),
            Protocol.TCP,
            22,
            "ssh");
    roundTrips(fleet, FleetOwnersReply::toJson, FleetOwnersReply::fromJson);
    assertEquals(3, fleet.sockets().size());
    assertEquals(
        List.of(true, false, false),
        fleet.sockets().stream().map(ListedSocket::live).toList(),
        "every row says whether its node is live");
    assertTrue(fleet.listening(), "n1 listens, and is live");
    assertTrue(
        fleet.nodes().get(1).listening() && !fleet.nodes().get(1).confirmed(),
        "n2's listener as last seen");
    assertEquals(
        List.of("n2", "n2"),
        fleet.onlyNode("n2").sockets().stream().map(ListedSocket::node).toList());
    assertEquals(
        "{\"node\":\"n2\",\"status\":\"down\",\"live\":false,\"listening\":true,\"confirmed\":false,"
            + "\"sampledAt\":900,\"sockets\":2}",
        fleet.toJson().getJsonArray("nodes").getJsonObject(1).encode());
    assertFalse(
        FleetOwnersReply.merge(
                List.of(
                    new FleetOwnersReply.Seen(
                        "n2", "down", false, false, 900, rows(false).subList(0, 1))),
                Protocol.TCP,
                22,
                "ssh")
            .listening(),
        "a down node's listener is not listening now");
  }

  @Test
  void checks() {
    CheckReply one =
        new CheckReply(
            "n1",
            Protocol.TCP,
            22,
            "ssh",
            true,
            "all-interfaces",
            "Listening on tcp/22 (ssh) on all interfaces.",
            List.of("a hint"),
            rows(null).subList(0, 1),
            3,
            1000,
            null,
            null);
    roundTrips(one, CheckReply::toJson, CheckReply::fromJson);
    assertEquals(
        List.of(
            "node",
            "proto",
            "port",
            "service",
            "listening",
            "verdict",
            "answer",
            "hints",
            "listeners",
            "connections",
            "sampledAt"),
        List.copyOf(one.toJson().fieldNames()));
    CheckReply withStatus = one.withStatus("stale");
    roundTrips(withStatus, CheckReply::toJson, CheckReply::fromJson);
    CheckReply only = withStatus.asOnlyNode();
    roundTrips(only, CheckReply::toJson, CheckReply::fromJson);
    assertEquals(
        withStatus
            .toJson()
            .copy()
            .put("nodes", new io.vertx.core.json.JsonArray().add(withStatus.toJson()))
            .encode(),
        only.toJson().encode(),
        "the fleet's answer with one node is that node's, plus the list");
    assertEquals(List.of(withStatus), only.nodes());
    assertEquals(List.of(), one.nodes());

    FleetCheckReply perNode = new FleetCheckReply(List.of(withStatus, one.withStatus("up")));
    roundTrips(perNode, FleetCheckReply::toJson, FleetCheckReply::fromJson);
    FleetCheckAnswer fleet =
        new FleetCheckAnswer(
            Protocol.UDP,
            53,
            null,
            false,
            "not-listening",
            "Nothing listens on udp/53 on any of the 0 live nodes.",
            List.of(),
            List.of());
    roundTrips(fleet, FleetCheckAnswer::toJson, FleetCheckAnswer::fromJson);
    assertEquals(
        "{\"proto\":\"udp\",\"port\":53,\"service\":null,\"listening\":false,\"verdict\":\"not-listening\","
            + "\"answer\":\"Nothing listens on udp/53 on any of the 0 live nodes.\",\"hints\":[],\"nodes\":[]}",
        fleet.toJson().encode());
  }

  @Test
  void nodeSocketPagesAndCompleteness() {
    NodeSocketsReply page = new NodeSocketsReply("n1", 12, 1000, 40, "next", rows(null));
    roundTrips(page, NodeSocketsReply::toJson, NodeSocketsReply::fromJson);
    assertEquals(
        List.of("node", "seq", "sampledAt", "matched", "count", "nextCursor", "sockets"),
        List.copyOf(page.toJson().fieldNames()));
    roundTrips(
        new NodeSocketsReply("n1", 12, 1000, 0, null, List.of()),
        NodeSocketsReply::toJson,
        NodeSocketsReply::fromJson);

    roundTrips(
        new CompletenessReply(FleetCompleteness.COMPLETE),
        CompletenessReply::toJson,
        CompletenessReply::fromJson);
    CompletenessReply resyncing =
        new CompletenessReply(new FleetCompleteness(false, List.of("a", "b"), 3, "just started"));
    roundTrips(resyncing, CompletenessReply::toJson, CompletenessReply::fromJson);
    assertEquals(
        "{\"complete\":false,\"resync\":{\"nodes\":[\"a\",\"b\"],\"silentMembers\":3,\"reason\":\"just started\"}}",
        resyncing.toJson().encode());
  }

  @Test
  void connectivity() throws Exception {
    var connected =
        new dev.portolan.scan.ConnectivityCheck.Result(
            java.net.InetAddress.ofLiteral("fd00::5"),
            5432,
            dev.portolan.scan.ConnectivityCheck.Status.CONNECTED,
            1250,
            new java.net.InetSocketAddress(java.net.InetAddress.ofLiteral("fd00::9"), 40000),
            "connected in 1.3 ms");
    ConnectivityReply yes = ConnectivityReply.of("n1", "db.internal", connected);
    roundTrips(yes, ConnectivityReply::toJson, ConnectivityReply::fromJson);
    assertEquals(
        "{\"node\":\"n1\",\"host\":\"db.internal\",\"address\":\"fd00::5\",\"port\":5432,\"status\":\"connected\","
            + "\"connected\":true,\"elapsedMillis\":1.25,\"localAddress\":\"fd00::9\",\"localPort\":40000,"
            + "\"reason\":\"connected in 1.3 ms\"}",
        yes.toJson().encode());
    ConnectivityReply no =
        ConnectivityReply.of(
            "n1",
            "10.0.0.5",
            new dev.portolan.scan.ConnectivityCheck.Result(
                java.net.InetAddress.ofLiteral("10.0.0.5"),
                5432,
                dev.portolan.scan.ConnectivityCheck.Status.TIMEOUT,
                3_000_000,
                null,
                "no answer in 3000 ms"));
    roundTrips(no, ConnectivityReply::toJson, ConnectivityReply::fromJson);
    assertEquals("timeout", no.status());
    assertTrue(no.toJson().containsKey("localPort") && no.toJson().getValue("localPort") == null);
  }

  @Test
  void scanPolicy() {
    var settings =
        new dev.portolan.scan.policy.ScanPolicySettings(
            List.of(
                dev.portolan.scan.policy.Cidr.parse("10.0.0.0/8"),
                dev.portolan.scan.policy.Cidr.parse("fd00::/64")),
            1024,
            256,
            500,
            64,
            2);
    ScanPolicyReply policy = ScanPolicyReply.of("n1", settings);
    roundTrips(policy, ScanPolicyReply::toJson, ScanPolicyReply::fromJson);
    assertEquals(
        "{\"node\":\"n1\",\"allow\":[\"10.0.0.0/8\",\"fd00::/64\"],\"alwaysAllowed\":\"loopback and the node's own"
            + " addresses\",\"maxPorts\":1024,\"maxHosts\":256,\"maxRate\":500,\"maxOpenSockets\":64,\"maxConcurrent\":2}",
        policy.toJson().encode());
    assertEquals(
        "allow [\"10.0.0.0/8\",\"fd00::/64\"], maxPorts 1024, maxHosts 256, maxRate 500, maxOpenSockets 64",
        policy.auditLine());
  }

  @Test
  void scanStatesAndLists() {
    var v6 = java.net.InetAddress.ofLiteral("fd00::2");
    var open =
        new dev.portolan.scan.PortResult(
            v6, 22, Protocol.TCP, dev.portolan.scan.PortState.OPEN, 420, "syn-ack", null);
    Map<dev.portolan.scan.PortState, Long> counts =
        new java.util.EnumMap<>(dev.portolan.scan.PortState.class);
    for (var state : dev.portolan.scan.PortState.values()) {
      counts.put(state, (long) state.ordinal());
    }
    var running =
        new dev.portolan.scan.ScanRecord.Snapshot(
            "0123456789ab",
            "n1",
            "fd00::2",
            List.of(v6),
            "1-1000",
            Protocol.TCP,
            dev.portolan.scan.Preset.POLITE,
            false,
            dev.portolan.scan.ScanRecord.Status.RUNNING,
            500,
            1000,
            Map.copyOf(counts),
            1000,
            0,
            500_000,
            600,
            null,
            List.of(open));
    ScanStateReply withResults = ScanStateReply.of(running, true, null);
    roundTrips(withResults, r -> r.toJson(SERVICES), ScanStateReply::fromJson);
    assertEquals(1, withResults.toJson(SERVICES).getJsonArray("results").size());
    ScanStateReply cancelled = ScanStateReply.of(running, false, true);
    roundTrips(cancelled, r -> r.toJson(SERVICES), ScanStateReply::fromJson);
    assertEquals(List.of(), cancelled.scan().results(), "without results unless asked");
    assertFalse(cancelled.toJson(SERVICES).containsKey("results"));
    assertEquals(
        ScanJson.snapshot(running, false, SERVICES).put("cancelling", true).encode(),
        cancelled.toJson(SERVICES).encode());
    assertFalse(ScanStateReply.of(running, false, null).toJson(SERVICES).containsKey("cancelling"));

    ScanListReply list = new ScanListReply(List.of(running, running), 2);
    roundTrips(list, ScanListReply::toJson, ScanListReply::fromJson);
    assertEquals(List.of("scans", "running"), List.copyOf(list.toJson().fieldNames()));
    assertEquals(
        ScanJson.snapshot(running, false, SERVICES).encode(),
        list.toJson().getJsonArray("scans").getJsonObject(0).encode());
  }

  @Test
  void nodeInfo() {
    Map<String, Integer> counts = new LinkedHashMap<>();
    counts.put("total", 3);
    counts.put("tcp", 3);
    NodeInfoReply info =
        new NodeInfoReply(
            "n1",
            "up",
            List.of("10.0.0.1", "fd00::1"),
            "6.8.0",
            3600L,
            1000,
            "netlink",
            1000,
            2000,
            1.5,
            7,
            counts);
    roundTrips(info, NodeInfoReply::toJson, NodeInfoReply::fromJson);
    NodeInfoReply noUptime =
        new NodeInfoReply(
            "n1", "up", List.of(), null, null, 1000, "proc", 1000, 2000, 2.0, 7, counts);
    roundTrips(noUptime, NodeInfoReply::toJson, NodeInfoReply::fromJson);
    assertTrue(
        noUptime.toJson().containsKey("uptimeSeconds"), "an unreadable uptime is there, as null");
  }
}
