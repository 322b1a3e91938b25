package dev.portolan.bridge.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portolan.bus.JsonText;
import dev.portolan.bus.SnapshotReply;
import dev.portolan.owner.Owner;
import dev.portolan.owner.ProcessInfo;
import dev.portolan.sampling.OwnedSocket;
import dev.portolan.service.ServiceNames;
import dev.portolan.socket.Family;
import dev.portolan.socket.Protocol;
import dev.portolan.socket.SocketEntry;
import dev.portolan.socket.SocketState;
import dev.portolan.testing.BufferSink;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.eventbus.bridge.tcp.impl.protocol.FrameParser;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * An agent answers a snapshot over the bridge as JSON text written into the frame as it is: the
 * text equals the JSON tree's, and the frame is the one the bridge's own {@link FrameParser} reads
 * back, whichever way the bytes are cut.
 */
class SnapshotTextFrameTest {
  private static SnapshotReply reply() {
    Owner owner =
        Owner.of(
            new ProcessInfo(
                4242, "pyth\"on", 1000, "us\\er", "python3 -c 'é ünïcode \n\t'", null, null, 1L));
    List<OwnedSocket> rows = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      rows.add(
          new OwnedSocket(
              SocketEntry.inet(
                  Protocol.TCP,
                  i % 2 == 0 ? Family.IPV4 : Family.IPV6,
                  i % 2 == 0 ? "127.0.0.1" : "::1",
                  8000 + i,
                  i % 3 == 0 ? "0.0.0.0" : "127.0.0.1",
                  i % 3 == 0 ? 0 : 40_000 + i,
                  i % 3 == 0 ? SocketState.LISTEN : SocketState.ESTABLISHED,
                  i,
                  2 * i,
                  1000,
                  1_000_000L + i),
              i % 5 == 0 ? Owner.UNKNOWN : owner));
    }
    return new SnapshotReply("node-ä", "epoch-1", 77L, 1_700_000_000_000L, rows);
  }

  @Test
  void theTextIsTheTreesJson() {
    ServiceNames services = ServiceNames.builtInOnly();
    SnapshotReply r = reply();
    Buffer text = r.toJsonText(new JsonText(services), 16);
    assertEquals(r.toJson(services), new JsonObject(text));
  }

  @Test
  void theFrameReadsBackThroughTheBridgesParserInAnyCut() {
    ServiceNames services = ServiceNames.builtInOnly();
    SnapshotReply r = reply();
    Buffer text = r.toJsonText(new JsonText(services), 1024);
    Buffer all = Buffer.buffer();
    HubLinkVerticle.writeSendFrame(new BufferSink(all), "__vertx.reply.\"7\"", text);
    for (int cut : new int[] {1, 3, 4, 5, 97, all.length() - 1}) {
      AtomicReference<JsonObject> frame = new AtomicReference<>();
      FrameParser parser =
          new FrameParser(
              ar -> {
                if (ar.failed()) {
                  throw new AssertionError(ar.cause());
                }
                frame.set(ar.result());
              });
      parser.handle(all.getBuffer(0, cut));
      parser.handle(all.getBuffer(cut, all.length()));
      JsonObject f = frame.get();
      assertEquals("send", f.getString("type"), "cut at " + cut);
      assertEquals("__vertx.reply.\"7\"", f.getString("address"));
      assertEquals(r.toJson(services), f.getJsonObject("body"), "cut at " + cut);
      assertEquals(r, SnapshotReply.fromJson(f.getJsonObject("body")), "and back to the record");
    }
  }
}
