package dev.portolan.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.http.InvalidQueryException;
import dev.portolan.netns.NamespaceLabel;
import dev.portolan.netns.SocketNamespace;
import dev.portolan.owner.ContainerRuntime;
import dev.portolan.owner.Owner;
import dev.portolan.sampling.ChangeKind;
import dev.portolan.sampling.OwnedSocket;
import dev.portolan.sampling.Rows;
import dev.portolan.sampling.SocketChange;
import dev.portolan.sampling.SocketFilter;
import dev.portolan.service.ServiceNames;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A socket's namespace in its JSON (rows, changes, the feed's text) and the namespace filters. */
class NamespaceJsonTest {
  private static final NamespaceLabel POD =
      new NamespaceLabel(
          NamespaceLabel.Kind.POD,
          "cni-1234",
          "0123456789abcdef",
          "web",
          ContainerRuntime.CONTAINERD,
          "shop",
          "web-0",
          "uid-1");

  private static OwnedSocket inPod(long netns) {
    OwnedSocket row = Rows.listener(8080, 77, Owner.of(Rows.process(42, "web")));
    return new OwnedSocket(
        row.socket().inNamespace(netns), row.owner(), new SocketNamespace(netns, POD));
  }

  @Test
  void aListenerInAPodIsExposedOnThePodsAddressesInTheTreeAndTheText() {
    OwnedSocket row = inPod(4026532999L);
    JsonObject tree = SocketJson.toJson("n1", row, null);
    assertEquals("namespace-addresses", tree.getString("exposure"));
    StringBuilder sb = new StringBuilder();
    new JsonText(null).row(sb, "n1", row);
    assertEquals(tree, new JsonObject(sb.toString()));
  }

  @Test
  void aLabelledRowSaysItsNamespaceContainerAndPodAndReadsBack() {
    OwnedSocket row = inPod(4026532999L);
    JsonObject j = SocketJson.toJson("n1", row, ServiceNames.builtInOnly());
    assertEquals(4026532999L, j.getLong("netns"));
    assertEquals("pod", j.getString("netnsKind"));
    assertEquals("cni-1234", j.getString("netnsName"));
    assertEquals(
        new JsonObject()
            .put("id", "0123456789abcdef")
            .put("name", "web")
            .put("runtime", "containerd"),
        j.getJsonObject("container"));
    assertEquals(
        new JsonObject().put("namespace", "shop").put("name", "web-0").put("uid", "uid-1"),
        j.getJsonObject("pod"));
    assertEquals(row, SocketJson.fromJson(j));
  }

  @Test
  void aRowThatSaysNoNamespaceHasNetnsZeroAndNoLabel() {
    OwnedSocket row = Rows.listener(22, 5, Owner.KERNEL);
    JsonObject j = SocketJson.toJson("n1", row, null);
    assertEquals(0L, j.getLong("netns"));
    assertFalse(j.containsKey("container"));
    assertFalse(j.containsKey("pod"));
    assertEquals(row, SocketJson.fromJson(j));
    OwnedSocket own = new OwnedSocket(row.socket(), row.owner(), SocketNamespace.of(4026531840L));
    assertEquals(4026531840L, SocketJson.toJson("n1", own, null).getLong("netns"));
  }

  @Test
  void theFeedsTextCarriesTheSameNamespaceFields() {
    JsonText text = new JsonText(ServiceNames.builtInOnly());
    for (OwnedSocket row :
        List.of(inPod(4026532999L), Rows.listener(22, 5, Owner.KERNEL), inPod(4026533000L))) {
      SocketChange c = new SocketChange(ChangeKind.OPENED, "n1", 1, 2, row, null, null, null);
      StringBuilder sb = new StringBuilder();
      text.change(sb, c);
      assertEquals(
          ChangeBatch.changeToJson(c, ServiceNames.builtInOnly()), new JsonObject(sb.toString()));
    }
  }

  @Test
  void netnsContainerAndPodFilter() {
    OwnedSocket pod = inPod(4026532999L);
    OwnedSocket host = Rows.listener(22, 5, Owner.KERNEL);
    assertTrue(filter("netns", "4026532999").matches("n1", pod));
    assertFalse(filter("netns", "4026532999").matches("n1", host));
    assertTrue(filter("container", "web").matches("n1", pod));
    assertTrue(filter("container", "0123456789ab").matches("n1", pod));
    assertFalse(filter("container", "012").matches("n1", pod)); // too short an id prefix
    assertFalse(filter("container", "web").matches("n1", host));
    assertTrue(filter("pod", "web-0").matches("n1", pod));
    assertTrue(filter("pod", "shop/web-0").matches("n1", pod));
    assertTrue(filter("pod", "uid-1").matches("n1", pod));
    assertFalse(filter("pod", "other/web-0").matches("n1", pod));
    assertNull(filter("pod", " ").pod());
  }

  @Test
  void badNamespaceFiltersAre400s() {
    for (String bad : List.of("abc", "-1", "0", "12x", "99999999999999999999")) {
      InvalidQueryException e =
          org.junit.jupiter.api.Assertions.assertThrows(
              InvalidQueryException.class, () -> filter("netns", bad), bad);
      assertEquals("invalid netns", e.error(), bad);
    }
    org.junit.jupiter.api.Assertions.assertThrows(
        InvalidQueryException.class, () -> filter("container", "a b"));
    org.junit.jupiter.api.Assertions.assertThrows(
        InvalidQueryException.class, () -> filter("pod", "x".repeat(300)));
  }

  @Test
  void theFiltersCrossTheBusInASocketQuery() {
    SocketFilter f =
        SocketFilter.parse(
            Map.of(
                "netns", List.of("4026532999"), "container", List.of("web"), "pod", List.of("p")));
    SocketQuery q = new SocketQuery(f, 10, null);
    assertEquals(q, SocketQuery.fromJson(q.toJson()));
  }

  private static SocketFilter filter(String name, String value) {
    return SocketFilter.parse(Map.of(name, List.of(value)));
  }
}
