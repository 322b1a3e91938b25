package dev.portolan.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.portolan.bus.ChangeBatch;
import dev.portolan.bus.NodeHeartbeat;
import dev.portolan.bus.SnapshotReply;
import dev.portolan.fleet.NodeFacts;
import dev.portolan.owner.Owner;
import dev.portolan.owner.ProcessInfo;
import dev.portolan.sampling.ChangeKind;
import dev.portolan.sampling.OwnedSocket;
import dev.portolan.sampling.SocketChange;
import dev.portolan.service.ServiceNames;
import dev.portolan.socket.Family;
import dev.portolan.socket.Protocol;
import dev.portolan.socket.SocketEntry;
import dev.portolan.socket.SocketState;
import dev.portolan.socket.UnixType;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The simulator's hand-written JSON says what the bus records' own toJson says, and reads back as
 * them.
 */
class SimJsonTest {
  private final ServiceNames services = ServiceNames.builtInOnly();
  private final SimJson json = new SimJson(services);

  @Test
  void batchesAreWhatChangeBatchWrites() {
    SyntheticNode node = new SyntheticNode("sim-0001", 0, 300, 0.05, 3, 1000);
    for (int i = 0; i < 20; i++) {
      List<SocketChange> changes = node.churn(25, 1_700_000_000_000L + i);
      JsonObject fast = new JsonObject(json.batch("sim-0001", "run-1", changes).encode());
      JsonObject standard =
          new JsonObject(new ChangeBatch("sim-0001", "run-1", changes).toJson(services).encode());
      assertEquals(standard, fast);
      assertEquals(changes, ChangeBatch.fromJson(fast).changes());
    }
  }

  @Test
  void snapshotsAndHeartbeatsAreWhatTheRecordsWrite() {
    SyntheticNode node = new SyntheticNode("sim-0002", 1, 1000, 0.01, 3, 1000);
    node.churn(200, 5);
    List<OwnedSocket> rows = node.rows();
    JsonObject fast =
        new JsonObject(json.snapshot("sim-0002", "run-2", node.lastSeq(), 77, rows).encode());
    SnapshotReply reply = new SnapshotReply("sim-0002", "run-2", node.lastSeq(), 77, rows);
    assertEquals(new JsonObject(reply.toJson(services).encode()), fast);
    assertEquals(reply, SnapshotReply.fromJson(fast));

    NodeFacts facts =
        NodeFacts.builder("sim-0002")
            .clusterNodeId("member-uuid")
            .role("agent")
            .reader("simulated")
            .intervalMillis(1000)
            .startedAtMillis(123)
            .kernel("simulated")
            .addresses(List.of(node.hostAddress(), "fd00::2"))
            .build();
    String prefix = json.heartbeatPrefix(facts, "run-2");
    NodeHeartbeat hb = new NodeHeartbeat(facts, "run-2", node.lastSeq(), 456, 789, node.size());
    JsonObject fastHb =
        new JsonObject(json.heartbeat(prefix, node.lastSeq(), 456, 789, node.size()).encode());
    assertEquals(new JsonObject(hb.toJson().encode()), fastHb);
    assertEquals(hb, NodeHeartbeat.fromJson(fastHb));
  }

  @Test
  void stringsAreEscapedAndNullsWritten() {
    ProcessInfo odd =
        new ProcessInfo(
            4242,
            "we\"ird\\name",
            0,
            "root",
            "/bin/x --arg=\"a b\"\n\t\u0001end",
            null,
            "c0ffee",
            99);
    List<SocketChange> changes = new ArrayList<>();
    changes.add(
        new SocketChange(
            ChangeKind.OPENED,
            "n",
            1,
            2,
            new OwnedSocket(
                SocketEntry.unix(UnixType.DGRAM, SocketState.CLOSE, null, 5, 0, 0, 0),
                Owner.of(odd)),
            null,
            null));
    changes.add(
        new SocketChange(
            ChangeKind.STATE_CHANGED,
            "n",
            2,
            2,
            new OwnedSocket(
                SocketEntry.inet(
                    Protocol.TCP,
                    Family.IPV6,
                    "fe80::1%eth0",
                    40000,
                    "::1",
                    22,
                    SocketState.TIME_WAIT,
                    1,
                    2,
                    3,
                    0),
                Owner.KERNEL),
            SocketState.ESTABLISHED,
            Owner.of(odd)));
    changes.add(
        new SocketChange(
            ChangeKind.OWNER_CHANGED,
            "n",
            3,
            2,
            new OwnedSocket(
                SocketEntry.unix(null, SocketState.LISTEN, "/run/é \"x\"", 6, 0, 0, 0),
                Owner.PERMISSION_DENIED),
            null,
            Owner.UNKNOWN));
    String text = json.batch("n", "e", changes).encode();
    assertEquals(
        new JsonObject(new ChangeBatch("n", "e", changes).toJson(services).encode()),
        new JsonObject(text));
    assertEquals(changes, ChangeBatch.fromJson(new JsonObject(text)).changes());
    assertFalse(text.contains("\n"));
  }

  @Test
  void aLocalConsumerGetsAnOrdinaryCopy() {
    SimJson.Encoded encoded = json.batch("n", "e", List.of());
    JsonObject copy = encoded.copy();
    assertEquals("n", copy.getString("node"));
    assertEquals(0, copy.getJsonArray("changes").size());
  }
}
