package dev.portolan.sampling;

import static dev.portolan.sampling.Rows.listener;
import static dev.portolan.sampling.Rows.process;
import static dev.portolan.sampling.Rows.tcp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.netns.NamespaceLabel;
import dev.portolan.netns.SocketNamespace;
import dev.portolan.owner.ContainerRuntime;
import dev.portolan.owner.Owner;
import dev.portolan.socket.KernelSockstat;
import dev.portolan.socket.Protocol;
import dev.portolan.socket.SocketState;
import java.util.List;
import org.junit.jupiter.api.Test;

class ListenCheckTest {
  private static NodeSnapshot snapshot(OwnedSocket... rows) {
    return new NodeSnapshot("web1", 1, 1, 1, List.of(rows), KernelSockstat.empty());
  }

  @Test
  void notListeningSaysConnectionRefused() {
    ListenCheck c = ListenCheck.of(snapshot(), Protocol.TCP, 22, "ssh");
    assertEquals(ListenCheck.Verdict.NOT_LISTENING, c.verdict());
    assertEquals("Nothing is listening on tcp/22 (ssh) on web1.", c.answer());
    assertTrue(c.hints().getFirst().contains("connection refused"));
    assertTrue(
        c.hints().stream().anyMatch(h -> h.contains("permission denied")), "port < 1024 hint");
  }

  @Test
  void loopbackOnlyExplainsRemoteRefusal() {
    ListenCheck c =
        ListenCheck.of(
            snapshot(
                tcp(
                    "127.0.0.1",
                    5432,
                    "0.0.0.0",
                    0,
                    SocketState.LISTEN,
                    1,
                    Owner.of(process(77, "postgres")))),
            Protocol.TCP,
            5432,
            "postgresql");
    assertEquals(ListenCheck.Verdict.LOOPBACK_ONLY, c.verdict());
    assertEquals(
        "tcp/5432 (postgresql) is listening on loopback only (127.0.0.1), owned by postgres (pid 77, user alice).",
        c.answer());
    assertTrue(c.hints().getFirst().contains("remote clients get \"connection refused\""));
  }

  @Test
  void allInterfacesWinsAndCountsConnections() {
    ListenCheck c =
        ListenCheck.of(
            snapshot(
                listener(22, 1, Owner.of(process(5, "sshd"))),
                tcp("::1", 22, "::", 0, SocketState.LISTEN, 2, Owner.of(process(5, "sshd"))),
                tcp(
                    "10.0.0.1",
                    22,
                    "10.0.0.2",
                    50000,
                    SocketState.ESTABLISHED,
                    3,
                    Owner.of(process(6, "sshd")))),
            Protocol.TCP,
            22,
            "ssh");
    assertEquals(ListenCheck.Verdict.ALL_INTERFACES, c.verdict());
    assertEquals(1, c.connections());
    assertEquals(2, c.listeners().size());
    assertTrue(c.hints().stream().anyMatch(h -> h.contains("address already in use")));
  }

  @Test
  void permissionDeniedOwnerIsSaidPlainly() {
    ListenCheck c =
        ListenCheck.of(
            snapshot(listener(2024, 1, Owner.PERMISSION_DENIED)), Protocol.TCP, 2024, null);
    assertTrue(c.answer().contains("cannot be read (permission denied"), c.answer());
  }

  @Test
  void specificAddressIsNamed() {
    ListenCheck c =
        ListenCheck.of(
            snapshot(tcp("192.0.2.7", 8080, "0.0.0.0", 0, SocketState.LISTEN, 1, Owner.UNKNOWN)),
            Protocol.TCP,
            8080,
            "http-alt");
    assertEquals(ListenCheck.Verdict.SPECIFIC_ADDRESSES, c.verdict());
    assertTrue(c.answer().contains("on 192.0.2.7 only"), c.answer());
    assertEquals(Exposure.LOOPBACK_ONLY, Exposure.of("::ffff:127.0.0.1"));
    assertEquals(Exposure.ALL_INTERFACES, Exposure.of("::"));
  }

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

  private static OwnedSocket inPod(OwnedSocket row) {
    long netns = 4026532999L;
    return new OwnedSocket(
        row.socket().inNamespace(netns), row.owner(), new SocketNamespace(netns, POD));
  }

  @Test
  void aPodsWildcardListenerReachesThePodsAddressesNotTheNodes() {
    ListenCheck c =
        ListenCheck.of(
            snapshot(inPod(listener(8080, 1, Owner.of(process(42, "web"))))),
            Protocol.TCP,
            8080,
            null);
    assertEquals(ListenCheck.Verdict.NAMESPACE_ADDRESSES, c.verdict());
    assertEquals("namespace-addresses", c.verdict().wireName());
    assertTrue(c.answer().contains("inside other network namespaces only"), c.answer());
    assertTrue(c.answer().contains("shop/web-0"), c.answer());
    assertTrue(c.hints().getFirst().contains("pod IP"), c.hints()::toString);
  }

  @Test
  void aPodsLoopbackListenerIsLoopbackOnlyInsideIt() {
    ListenCheck c =
        ListenCheck.of(
            snapshot(
                inPod(
                    tcp(
                        "127.0.0.1",
                        9090,
                        "0.0.0.0",
                        0,
                        SocketState.LISTEN,
                        1,
                        Owner.of(process(42, "web"))))),
            Protocol.TCP,
            9090,
            null);
    assertEquals(ListenCheck.Verdict.LOOPBACK_ONLY, c.verdict());
    assertTrue(
        c.hints().getFirst().contains("a namespace's loopback is its own"), c.hints()::toString);
  }

  @Test
  void theHostsOwnListenerDecidesWhenThereIsOne() {
    ListenCheck c =
        ListenCheck.of(
            snapshot(
                inPod(listener(8080, 1, Owner.of(process(42, "web")))),
                tcp("192.0.2.7", 8080, "0.0.0.0", 0, SocketState.LISTEN, 2, Owner.UNKNOWN)),
            Protocol.TCP,
            8080,
            null);
    assertEquals(ListenCheck.Verdict.SPECIFIC_ADDRESSES, c.verdict());
    assertTrue(c.answer().contains("on 192.0.2.7 only; inside namespaces:"), c.answer());
  }
}
