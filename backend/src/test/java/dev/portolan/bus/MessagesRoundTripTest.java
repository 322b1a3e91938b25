package dev.portolan.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portolan.node.ChangeKind;
import dev.portolan.node.OwnedSocket;
import dev.portolan.node.Rows;
import dev.portolan.node.SocketChange;
import dev.portolan.node.SocketFilter;
import dev.portolan.owner.Owner;
import dev.portolan.sampler.Protocol;
import dev.portolan.sampler.SocketState;
import dev.portolan.service.ServiceNames;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Messages must cross a cluster unchanged: fromJson(toJson(x)) == x, also after a trip through text. */
class MessagesRoundTripTest {
  private static JsonObject viaText(JsonObject j) {
    return new JsonObject(j.encode());
  }

  @Test
  void socketRowsOfEveryKind() {
    List<OwnedSocket> rows = List.of(
        Rows.listener(22, 5, Owner.of(Rows.process(10, "sshd"))),
        Rows.tcp("::ffff:10.0.0.1", 443, "2001:db8::1", 50000, SocketState.FIN_WAIT2, 6, Owner.PERMISSION_DENIED),
        Rows.tcp("10.0.0.1", 80, "10.0.0.2", 1, SocketState.TIME_WAIT, 0, Owner.KERNEL),
        Rows.udp("0.0.0.0", 53, 7, Owner.UNKNOWN),
        Rows.unix("@abstract <script>", 8, Owner.of(Rows.process(11, "app"))));
    for (OwnedSocket row : rows) {
      assertEquals(row, SocketJson.fromJson(viaText(SocketJson.toJson("n1", row, ServiceNames.builtInOnly()))));
    }
  }

  @Test
  void changeBatch() {
    SocketChange opened = new SocketChange(ChangeKind.OPENED, "n1", 7, 1000, Rows.listener(80, 1, Owner.UNKNOWN), null, null);
    SocketChange state = new SocketChange(ChangeKind.STATE_CHANGED, "n1", 8, 1000,
        Rows.tcp("1.2.3.4", 5, "6.7.8.9", 10, SocketState.CLOSE_WAIT, 2, Owner.UNKNOWN), SocketState.ESTABLISHED,
        Owner.of(Rows.process(3, "x")));
    ChangeBatch batch = new ChangeBatch("n1", List.of(opened, state));
    assertEquals(batch, ChangeBatch.fromJson(viaText(batch.toJson(ServiceNames.builtInOnly()))));
  }

  @Test
  void queries() {
    SocketFilter f = SocketFilter.parse(Map.of("proto", List.of("tcp6,unix"), "state", List.of("listen,time-wait"),
        "listening", List.of("true"), "port", List.of("1"), "local-port", List.of("2"), "remote-port", List.of("3"),
        "pid", List.of("4"), "q", List.of("pg"), "node", List.of("n1")));
    SocketQuery q = new SocketQuery(f, 50, "abc");
    assertEquals(q, SocketQuery.fromJson(viaText(q.toJson())));
    SocketQuery all = new SocketQuery(SocketFilter.ALL, 1, null);
    assertEquals(all, SocketQuery.fromJson(viaText(all.toJson())));
    assertEquals(OwnerQuery.byPort(Protocol.UDP, 53), OwnerQuery.fromJson(viaText(OwnerQuery.byPort(Protocol.UDP, 53).toJson())));
    assertEquals(OwnerQuery.byPid(9), OwnerQuery.fromJson(viaText(OwnerQuery.byPid(9).toJson())));
    assertEquals(new PortCheck(Protocol.TCP, 22), PortCheck.fromJson(viaText(new PortCheck(Protocol.TCP, 22).toJson())));
    SampleTaken s = new SampleTaken("n1", 5, 6, 7, 8, 9, "proc");
    assertEquals(s, SampleTaken.fromJson(viaText(s.toJson())));
  }
}
