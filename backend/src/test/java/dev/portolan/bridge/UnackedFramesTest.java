package dev.portolan.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class UnackedFramesTest {
  private final UnackedFrames<String> frames = new UnackedFrames<>(100);

  @Test
  void aPongAcknowledgesWhatWasWrittenBeforeThePingBeforeIt() {
    frames.written("b1", 10, 0); // before any ping
    frames.written("b2", 10, 1); // after ping 1
    frames.written("b3", 10, 2); // after ping 2
    frames.acknowledged(1); // pong 1: b1 was handled, but one ping of slack is kept
    assertEquals(3, frames.size());
    frames.acknowledged(2); // pong 2: b1 is surely on its way to the other hubs
    assertEquals(List.of("b2", "b3"), frames.replay(2));
    frames.acknowledged(3);
    assertEquals(List.of("b2", "b3"), frames.replay(2), "replayed frames are kept until acked");
    frames.acknowledged(4);
    assertEquals(0, frames.size());
    assertEquals(0, frames.weight());
  }

  @Test
  void aSilentHubAcknowledgesNothingAndEverythingIsReplayedInOrder() {
    for (int i = 0; i < 8; i++) {
      frames.written("b" + i, 5, i);
    }
    assertEquals(List.of("b0", "b1", "b2", "b3", "b4", "b5", "b6", "b7"), frames.replay(8));
    assertEquals(40, frames.weight());
    // re-stamped as written after ping 8 of the old connection: the new hub's pongs 9 (slack) and
    // 10 acknowledge them
    frames.acknowledged(9);
    assertEquals(8, frames.size());
    frames.acknowledged(10);
    assertEquals(0, frames.size());
  }

  @Test
  void beyondTheBoundTheOldestGoFirst() {
    for (int i = 0; i < 30; i++) {
      frames.written("b" + i, 10, 0);
    }
    assertEquals(10, frames.size());
    assertEquals(100, frames.weight());
    assertEquals(20, frames.dropped());
    assertEquals("b20", frames.replay(0).getFirst());
    UnackedFrames<String> one = new UnackedFrames<>(10);
    one.written("huge", 500, 0);
    assertEquals(List.of("huge"), one.replay(0), "a single batch over the bound is still kept");
    one.written("next", 1, 0);
    assertEquals(List.of("next"), one.replay(0));
  }

  @Test
  void anEmptyBatchWeighsOne() {
    frames.written("empty", 0, 0);
    assertEquals(1, frames.weight());
    assertThrows(IllegalArgumentException.class, () -> new UnackedFrames<String>(0));
  }
}
