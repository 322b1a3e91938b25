package dev.portolan.netns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.portolan.netns.NamespaceLabel.Kind;
import dev.portolan.owner.ContainerRuntime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NamespaceLabelTest {

  private static final List<NamespaceLabel> EVERY_KIND =
      List.of(
          NamespaceLabel.host(null),
          NamespaceLabel.host("default"),
          NamespaceLabel.named("blue"),
          NamespaceLabel.unknown(null),
          new NamespaceLabel(
              Kind.CONTAINER, null, "0123abcd", "web", ContainerRuntime.DOCKER, null, null, null),
          new NamespaceLabel(
              Kind.POD,
              "cni-1234",
              "feed",
              "nginx",
              ContainerRuntime.CRIO,
              "default",
              "nginx-0",
              "3f0c6c1e-9a51-4a4e-8f55-0d6a6d1c2b11"));

  @Test
  void jsonRoundTripsEveryKind() {
    for (NamespaceLabel label : EVERY_KIND) {
      Map<String, Object> json = label.toJson();
      assertFalse(json.containsValue(null), "no null values: " + json);
      json.values()
          .forEach(v -> assertEquals(String.class, v.getClass(), "plain strings: " + json));
      assertEquals(label, NamespaceLabel.fromJson(json), json.toString());
    }
  }

  @Test
  void jsonNamesTheFields() {
    assertEquals(
        Map.of(
            "kind", "pod",
            "netnsName", "cni-1234",
            "containerId", "feed",
            "containerName", "nginx",
            "runtime", "cri-o",
            "podNamespace", "default",
            "podName", "nginx-0",
            "podUid", "3f0c6c1e-9a51-4a4e-8f55-0d6a6d1c2b11"),
        EVERY_KIND.getLast().toJson());
    assertEquals(Map.of("kind", "host"), NamespaceLabel.host(null).toJson());
  }

  @Test
  void fromJsonToleratesWhatItDoesNotKnow() {
    Map<String, Object> json = new HashMap<>();
    json.put("kind", "vm");
    json.put("runtime", "rkt");
    json.put("containerName", 42);
    json.put("podName", null);
    assertEquals(NamespaceLabel.unknown(null), NamespaceLabel.fromJson(json));
  }

  @Test
  void aLabelHasAKind() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new NamespaceLabel(null, null, null, null, null, null, null, null));
  }

  @Test
  void textForPeople() {
    assertEquals(
        List.of(
            "host",
            "host",
            "netns blue",
            "unknown",
            "container web (docker)",
            "pod default/nginx-0"),
        EVERY_KIND.stream().map(NamespaceLabel::text).toList());
    assertEquals(
        "container 0123456789ab",
        new NamespaceLabel(Kind.CONTAINER, null, "0123456789abcdef", null, null, null, null, null)
            .text());
  }
}
