package dev.portolan.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HubDirectoryTest {
  @Test
  void hubsLearnedFromTheClusterComeFirstThenTheOnesTold() {
    HubDirectory d = new HubDirectory();
    d.configured(List.of("10.0.0.2:7071", "lb.example:7071"));
    assertEquals(List.of("10.0.0.2:7071", "lb.example:7071"), d.known());
    d.learned(List.of("10.0.0.1:7071", "10.0.0.2:7071"));
    assertEquals(List.of("10.0.0.1:7071", "10.0.0.2:7071", "lb.example:7071"), d.known());
  }

  @Test
  void aPongThatListsNothingForgetsNothing() {
    HubDirectory d = new HubDirectory();
    d.learned(List.of("a:1", "b:1"));
    d.learned(null);
    d.learned(List.of());
    assertEquals(List.of("a:1", "b:1"), d.known());
    d.learned(List.of("b:1"));
    assertEquals(List.of("b:1"), d.known(), "the latest list: a hub that left is gone");
  }

  @Test
  void theRotationStartsAnywhereAndPutsTheLostHubLast() {
    HubDirectory d = new HubDirectory();
    d.learned(List.of("a:1", "b:1", "c:1"));
    assertEquals(List.of("b:1", "c:1", "a:1"), d.rotation(Set.of(), 1));
    assertEquals(List.of("a:1", "c:1", "b:1"), d.rotation(Set.of("b:1"), 0));
    assertEquals(List.of("c:1", "a:1", "b:1"), d.rotation(Set.of("b:1"), 2));
    assertEquals(List.of("c:1", "a:1", "b:1"), d.rotation(Set.of("b:1"), -1), "any int");
    assertEquals(List.of(), new HubDirectory().rotation(Set.of(), 3));
  }

  @Test
  void anAgentToldOfOneHubFailsOverToTheOnesItLearned() {
    HubDirectory d = new HubDirectory();
    d.configured(List.of("b:1"));
    d.learned(List.of("a:1", "b:1"));
    assertEquals(List.of("a:1", "b:1"), d.rotation(Set.of("b:1"), 1));
  }

  @Test
  void probesGoToTheClustersOtherHubsInTurnElseToTheOnesTold() {
    HubDirectory d = new HubDirectory();
    d.configured(List.of("lb:1"));
    assertEquals("lb:1", d.probeTarget(Set.of("a:1")), "nothing learned yet");
    assertNull(d.probeTarget(Set.of("lb:1")));
    d.learned(List.of("a:1", "b:1", "c:1"));
    String first = d.probeTarget(Set.of("a:1", "lb:1"));
    String second = d.probeTarget(Set.of("a:1", "lb:1"));
    assertEquals(Set.of("b:1", "c:1"), Set.of(first, second), "each in turn, never a or lb");
    assertEquals(first, d.probeTarget(Set.of("a:1", "lb:1")));
    d.learned(List.of("a:1"));
    assertEquals("lb:1", d.probeTarget(Set.of("a:1")), "the cluster knows no other: the one told");
  }

  @Test
  void anAgentMovesOnlyWhenTheProbedHubsClusterNoLongerHoldsItsHub() {
    assertTrue(HubDirectory.shouldMove("a:1", List.of("b:1")));
    assertFalse(HubDirectory.shouldMove("a:1", List.of("a:1", "b:1")), "still a member: a pause");
    assertFalse(HubDirectory.shouldMove(null, List.of("b:1")), "its hub never said its name");
    assertFalse(HubDirectory.shouldMove("a:1", List.of()), "the probed hub lists nothing");
    assertFalse(HubDirectory.shouldMove("a:1", null));
  }
}
