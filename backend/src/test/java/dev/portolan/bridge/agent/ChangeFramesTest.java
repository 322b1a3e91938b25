package dev.portolan.bridge.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.bus.Addresses;
import dev.portolan.bus.ChangeBatch;
import dev.portolan.owner.Owner;
import dev.portolan.owner.ProcessInfo;
import dev.portolan.sampling.ChangeKind;
import dev.portolan.sampling.Rows;
import dev.portolan.sampling.SocketChange;
import dev.portolan.service.ServiceNames;
import dev.portolan.socket.SocketState;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.eventbus.bridge.tcp.impl.protocol.FrameParser;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * An agent writes a change batch's publish frame straight from the record: the bridge's own {@link
 * FrameParser} reads back the frame the JSON tree would have made ({@link ChangeBatch#toJson}), for
 * every kind of change and for a batch many text pieces long, whichever way the bytes are cut.
 */
class ChangeFramesTest {
  private static final ServiceNames SERVICES = ServiceNames.builtInOnly();

  static ChangeBatch batch(int opened) {
    Owner odd =
        Owner.of(
            new ProcessInfo(4242, "pyth\"on", 1000, "us\\er", "python3 -c 'é \n'", null, null, 1L));
    List<SocketChange> changes = new ArrayList<>();
    long seq = 1;
    changes.add(
        new SocketChange(
            ChangeKind.STATE_CHANGED,
            "n-ä",
            seq++,
            1000,
            Rows.tcp("1.2.3.4", 5, "6.7.8.9", 10, SocketState.CLOSE_WAIT, 2, Owner.UNKNOWN),
            SocketState.ESTABLISHED,
            Owner.of(Rows.process(3, "x"))));
    changes.add(
        new SocketChange(
            ChangeKind.SHORT_LIVED,
            "n-ä",
            seq++,
            1000,
            Rows.tcp("::1", 8080, "::1", 51000, SocketState.CLOSE, 0, odd),
            null,
            null,
            new SocketChange.ShortLived(990, SocketChange.OWNER_FROM_LISTENER)));
    changes.add(
        new SocketChange(
            ChangeKind.CLOSED, "n-ä", seq++, 1000, Rows.unix("@abstract", 77, odd), null, null));
    for (int i = 0; i < opened; i++) {
      changes.add(
          new SocketChange(
              ChangeKind.OPENED,
              "n-ä",
              seq++,
              1001,
              i % 3 == 0
                  ? Rows.listener(1024 + i, 1000 + i, odd)
                  : Rows.tcp(
                      "127.0.0.1",
                      40_000 + i % 20_000,
                      "127.0.0.1",
                      5432,
                      SocketState.ESTABLISHED,
                      2000 + i,
                      i % 2 == 0 ? Owner.UNKNOWN : odd),
              null,
              null));
    }
    return new ChangeBatch("n-ä", "epoch-1", changes);
  }

  private static JsonObject parsed(Buffer bytes, int cut) {
    AtomicReference<JsonObject> frame = new AtomicReference<>();
    FrameParser parser =
        new FrameParser(
            ar -> {
              if (ar.failed()) {
                throw new AssertionError(ar.cause());
              }
              frame.set(ar.result());
            });
    parser.handle(bytes.getBuffer(0, cut));
    parser.handle(bytes.getBuffer(cut, bytes.length()));
    return frame.get();
  }

  private static JsonObject treeFrame(ChangeBatch b) {
    return new JsonObject()
        .put("type", "publish")
        .put("address", Addresses.CHANGES)
        .put("body", b.toJson(SERVICES));
  }

  @Test
  void aSmallBatchIsTheTreesFrameInAnyCut() {
    ChangeBatch b = batch(5);
    Buffer bytes = ChangeFrames.joined(new ChangeFrames(SERVICES).frame(Addresses.CHANGES, b));
    for (int cut : new int[] {1, 3, 4, 5, 97, bytes.length() - 1}) {
      assertEquals(treeFrame(b), parsed(bytes, cut), "cut at " + cut);
    }
    assertEquals(b, ChangeBatch.fromJson(parsed(bytes, 4).getJsonObject("body")), "and back");
  }

  @Test
  void aLargeBatchWrittenInManyPiecesIsTheTreesFrame() {
    ChangeFrames frames = new ChangeFrames(SERVICES);
    ChangeBatch b = batch(3_000);
    List<Buffer> pieces = frames.frame(Addresses.CHANGES, b);
    assertTrue(pieces.size() > 3, "a length and several pieces: " + pieces.size());
    for (Buffer piece : pieces.subList(1, pieces.size() - 1)) {
      assertTrue(piece.length() >= ChangeFrames.PIECE, "a piece of the text is a piece");
      assertTrue(piece.length() < 2 * ChangeFrames.PIECE, "a piece is no more");
    }
    Buffer bytes = ChangeFrames.joined(pieces);
    assertEquals(bytes.length() - 4, bytes.getInt(0), "the length prefix");
    assertEquals(treeFrame(b), parsed(bytes, bytes.length() / 2));
    // the frame maker is reused for the next batch: nothing of the last one is left in it
    ChangeBatch next = batch(1);
    assertEquals(
        treeFrame(next), parsed(ChangeFrames.joined(frames.frame(Addresses.CHANGES, next)), 4));
  }
}
