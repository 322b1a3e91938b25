package dev.portolan.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.portolan.owner.Owner;
import dev.portolan.sampling.ChangeKind;
import dev.portolan.sampling.OwnedSocket;
import dev.portolan.sampling.Rows;
import dev.portolan.sampling.SocketChange;
import dev.portolan.sampling.SocketFilter;
import dev.portolan.service.ServiceNames;
import dev.portolan.socket.Protocol;
import dev.portolan.socket.SocketState;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Messages must cross a cluster unchanged: fromJson(toJson(x)) == x, also after a trip through
 * text.
 */
class MessagesRoundTripTest {
  private static JsonObject viaText(JsonObject j) {
    return new JsonObject(j.encode());
  }

  @Test
  void socketRowsOfEveryKind() {
    List<OwnedSocket> rows =
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
            Rows.tcp("10.0.0.1", 80, "10.0.0.2", 1, SocketState.TIME_WAIT, 0, Owner.KERNEL),
            Rows.udp("0.0.0.0", 53, 7, Owner.UNKNOWN),
            Rows.unix("@abstract <script>", 8, Owner.of(Rows.process(11, "app"))));
    for (OwnedSocket row : rows) {
      assertEquals(
          row,
          SocketJson.fromJson(viaText(SocketJson.toJson("n1", row, ServiceNames.builtInOnly()))));
    }
  }

  @Test
  void changeBatch() {
    SocketChange opened =
        new SocketChange(
            ChangeKind.OPENED, "n1", 7, 1000, Rows.listener(80, 1, Owner.UNKNOWN), null, null);
    SocketChange state =
        new SocketChange(
            ChangeKind.STATE_CHANGED,
            "n1",
            8,
            1000,
            Rows.tcp("1.2.3.4", 5, "6.7.8.9", 10, SocketState.CLOSE_WAIT, 2, Owner.UNKNOWN),
            SocketState.ESTABLISHED,
            Owner.of(Rows.process(3, "x")));
    SocketChange accepted =
        new SocketChange(
            ChangeKind.SHORT_LIVED,
            "n1",
            9,
            1000,
            Rows.tcp(
                "10.0.0.1",
                8080,
                "10.0.0.7",
                51000,
                SocketState.CLOSE,
                0,
                Owner.of(Rows.process(4, "web"))),
            null,
            null,
            new SocketChange.ShortLived(990, SocketChange.OWNER_FROM_LISTENER));
    SocketChange unknown =
        new SocketChange(
            ChangeKind.SHORT_LIVED,
            "n1",
            10,
            1000,
            Rows.udp("127.0.0.1", 40000, 0, Owner.UNKNOWN),
            null,
            null,
            new SocketChange.ShortLived(995, null));
    ChangeBatch batch = new ChangeBatch("n1", "e1", List.of(opened, state, accepted, unknown));
    assertEquals(batch, ChangeBatch.fromJson(viaText(batch.toJson(ServiceNames.builtInOnly()))));

    // A change cannot speak for another node than its batch's (the one a hub checks).
    JsonObject forged = batch.toJson(ServiceNames.builtInOnly());
    forged.getJsonArray("changes").getJsonObject(0).put("node", "someone-else");
    assertEquals(batch, ChangeBatch.fromJson(viaText(forged)));

    // As the record crosses the cluster to other hubs (after a header of 7 bytes, say).
    var codec = new ChangeBatch.Codec(ServiceNames.builtInOnly());
    io.vertx.core.buffer.Buffer wire = io.vertx.core.buffer.Buffer.buffer("header!");
    codec.encodeToWire(wire, batch);
    assertEquals(batch, codec.decodeFromWire(7, wire));
    assertSame(batch, codec.transform(batch), "locally: the immutable record itself");
  }

  @Test
  void theFeedsJsonTextIsTheChangesJson() {
    JsonText text = new JsonText(ServiceNames.builtInOnly());
    for (SocketChange c :
        List.of(
            new SocketChange(
                ChangeKind.OWNER_CHANGED,
                "n1",
                1,
                2,
                Rows.listener(80, 1, Owner.UNKNOWN),
                null,
                Owner.of(Rows.process(3, "x"))),
            new SocketChange(
                ChangeKind.SHORT_LIVED,
                "n1",
                2,
                3,
                Rows.tcp(
                    "::1",
                    8080,
                    "::1",
                    51000,
                    SocketState.CLOSE,
                    0,
                    Owner.of(Rows.process(4, "web"))),
                null,
                null,
                new SocketChange.ShortLived(1, SocketChange.OWNER_FROM_LISTENER)),
            new SocketChange(
                ChangeKind.SHORT_LIVED,
                "n1",
                3,
                3,
                Rows.udp("127.0.0.1", 40000, 0, Owner.UNKNOWN),
                null,
                null,
                new SocketChange.ShortLived(2, null)))) {
      StringBuilder sb = new StringBuilder();
      text.change(sb, c);
      assertEquals(
          ChangeBatch.changeToJson(c, ServiceNames.builtInOnly()), new JsonObject(sb.toString()));
    }
  }

  @Test
  void queries() {
    SocketFilter f =
        SocketFilter.parse(
            Map.of(
                "proto",
                List.of("tcp6,unix"),
                "state",
                List.of("listen,time-wait"),
                "listening",
                List.of("true"),
                "port",
                List.of("1"),
                "local-port",
                List.of("2"),
                "remote-port",
                List.of("3"),
                "pid",
                List.of("4"),
                "q",
                List.of("pg"),
                "node",
                List.of("n1")));
    SocketQuery q = new SocketQuery(f, 50, "abc");
    assertEquals(q, SocketQuery.fromJson(viaText(q.toJson())));
    SocketQuery all = new SocketQuery(SocketFilter.ALL, 1, null);
    assertEquals(all, SocketQuery.fromJson(viaText(all.toJson())));
    assertEquals(
        OwnerQuery.byPort(Protocol.UDP, 53),
        OwnerQuery.fromJson(viaText(OwnerQuery.byPort(Protocol.UDP, 53).toJson())));
    assertEquals(OwnerQuery.byPid(9), OwnerQuery.fromJson(viaText(OwnerQuery.byPid(9).toJson())));
    assertEquals(
        new PortCheck(Protocol.TCP, 22),
        PortCheck.fromJson(viaText(new PortCheck(Protocol.TCP, 22).toJson())));
    SampleTaken s = new SampleTaken("n1", 5, 6, 7, 8, 9, "proc");
    assertEquals(s, SampleTaken.fromJson(viaText(s.toJson())));
  }

  @Test
  void scanRequestsStatesEventsAndChecks() {
    ScanRequest request =
        new ScanRequest(
            "db.internal", "top:100,8080", Protocol.UDP, dev.portolan.scan.Preset.POLITE, true);
    assertEquals(request, ScanRequest.fromJson(viaText(request.toJson())));
    ConnectivityRequest check = new ConnectivityRequest("10.0.0.5", 5432, 2500);
    assertEquals(check, ConnectivityRequest.fromJson(viaText(check.toJson())));

    var v6 = java.net.InetAddress.ofLiteral("fd00::2");
    var open =
        new dev.portolan.scan.PortResult(
            v6,
            443,
            Protocol.TCP,
            dev.portolan.scan.PortState.OPEN,
            420,
            "syn-ack",
            new dev.portolan.scan.banner.Banner(
                "tls",
                null,
                "nginx",
                "CN=example.org",
                java.time.Instant.parse("2027-03-01T00:00:00Z")));
    var silent =
        new dev.portolan.scan.PortResult(
            v6, 53, Protocol.TCP, dev.portolan.scan.PortState.FILTERED, -1, "no-response", null);
    assertEquals(
        open, ScanJson.resultFromJson(viaText(ScanJson.result(open, ServiceNames.builtInOnly()))));
    var counts =
        new java.util.EnumMap<dev.portolan.scan.PortState, Long>(dev.portolan.scan.PortState.class);
    for (var state : dev.portolan.scan.PortState.values()) {
      counts.put(state, (long) state.ordinal());
    }
    var snapshot =
        new dev.portolan.scan.ScanRecord.Snapshot(
            "0123456789ab",
            "n1",
            "fd00::2",
            List.of(v6),
            "1-1000",
            Protocol.TCP,
            dev.portolan.scan.Preset.AGGRESSIVE,
            true,
            dev.portolan.scan.ScanRecord.Status.CANCELLED,
            500,
            1000,
            Map.copyOf(counts),
            1000,
            2000,
            1_000_000,
            600,
            "stopped",
            List.of(silent, open));
    assertEquals(
        snapshot,
        ScanJson.snapshotFromJson(
            viaText(ScanJson.snapshot(snapshot, true, ServiceNames.builtInOnly()))));
    for (ScanEvent event :
        List.of(
            ScanEvent.progress("0123456789ab", 10, 1000), ScanEvent.port("0123456789ab", open))) {
      assertEquals(event, ScanEvent.fromJson(viaText(event.toJson(ServiceNames.builtInOnly()))));
    }
    var withoutResults =
        new dev.portolan.scan.ScanRecord.Snapshot(
            "0123456789ab",
            "n1",
            "fd00::2",
            List.of(v6),
            "1-1000",
            Protocol.TCP,
            dev.portolan.scan.Preset.AGGRESSIVE,
            true,
            dev.portolan.scan.ScanRecord.Status.CANCELLED,
            500,
            1000,
            Map.copyOf(counts),
            1000,
            2000,
            1_000_000,
            600,
            "stopped",
            List.of());
    assertEquals(
        ScanEvent.done(withoutResults),
        ScanEvent.fromJson(viaText(ScanEvent.done(snapshot).toJson(ServiceNames.builtInOnly()))),
        "a done event carries the state without the result list");
  }
}
