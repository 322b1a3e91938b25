package dev.portolan.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.portolan.bus.JsonText;
import dev.portolan.bus.SocketJson;
import dev.portolan.netns.ContainerForward;
import dev.portolan.netns.NodeNamespaces;
import dev.portolan.owner.OwnerIndex;
import dev.portolan.owner.OwnerStatus;
import dev.portolan.socket.Protocol;
import dev.portolan.socket.SocketReaders;
import dev.portolan.socket.SocketState;
import dev.portolan.socket.proc.ProcNetReader;
import dev.portolan.testing.PublishedPortFixture;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A real process named docker-proxy with docker-proxy's argv, and a real listener on the container
 * address inside a namespace over a veth: the sampler links the host listener to it.
 */
class ProxyForwardsTest {
  private static final long DEADLINE_NANOS = 20_000_000_000L;

  @Test
  void aDockerProxyListenerForwardsToTheContainerPortInItsNamespace() throws Exception {
    PublishedPortFixture.assumeRootAndTools();
    try (PublishedPortFixture published = PublishedPortFixture.start("fwd");
        NodeNamespaces spaces =
            NodeNamespaces.create(NodeNamespaces.Mode.AUTO, SocketReaders.Setting.AUTO)) {
      Sampler sampler =
          new Sampler(
              "n1",
              ProcNetReader.create(),
              OwnerIndex.create(),
              System::currentTimeMillis,
              null,
              spaces,
              null);
      long inode = published.netnsInode();
      OwnedSocket proxy = null;
      long deadline = System.nanoTime() + DEADLINE_NANOS;
      while (proxy == null || proxy.forwardsTo() == null || proxy.forwardsTo().netns() == 0) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("no forward within 20 s: " + proxy);
        }
        proxy = hostListener(sampler.sample().snapshot().sockets(), published.hostPort);
      }
      assertEquals(OwnerStatus.PROCESS, proxy.owner().status());
      assertEquals("docker-proxy", proxy.owner().process().name());
      assertEquals(
          new ContainerForward(null, null, published.containerIp, published.containerPort, inode),
          proxy.forwardsTo());
      JsonObject json = SocketJson.toJson("n1", proxy, null).getJsonObject("forwardsTo");
      assertEquals(
          "host 0.0.0.0:"
              + published.hostPort
              + " → container "
              + published.containerIp
              + ":"
              + published.containerPort,
          json.getString("text"));
      assertEquals(inode, json.getLong("netns"));
      assertEquals(
          proxy.forwardsTo(),
          SocketJson.fromJson(SocketJson.toJson("n1", proxy, null)).forwardsTo(),
          "the forward crosses the bus unchanged");
      StringBuilder text = new StringBuilder();
      new JsonText(null).row(text, "n1", proxy);
      assertEquals(
          SocketJson.toJson("n1", proxy, null).encode(),
          text.toString(),
          "the feed's fast writer says the same");
      OwnedSocket container =
          sampler.sample().snapshot().sockets().stream()
              .filter(s -> s.netnsInode() == inode && s.socket().isListening())
              .findFirst()
              .orElseThrow();
      assertNull(container.forwardsTo(), "only the proxy's listener forwards");
    }
  }

  @Test
  void aSampleWithoutProxiesIsReturnedAsItIs() {
    List<OwnedSocket> rows =
        List.of(
            new OwnedSocket(
                dev.portolan.socket.SocketEntry.inet(
                    Protocol.TCP,
                    dev.portolan.socket.Family.IPV4,
                    "0.0.0.0",
                    8080,
                    "0.0.0.0",
                    0,
                    SocketState.LISTEN,
                    0,
                    0,
                    0,
                    5),
                dev.portolan.owner.Owner.UNKNOWN));
    ProxyForwards forwards =
        new ProxyForwards(
            dev.portolan.netns.DockerProxyLinks.create(
                java.nio.file.Path.of("/proc"), java.nio.file.Path.of("/")));
    assertSame(rows, forwards.link(rows));
    assertFalse(ProxyForwards.isProxyListener(rows.getFirst()));
  }

  private static OwnedSocket hostListener(List<OwnedSocket> rows, int port) {
    for (OwnedSocket s : rows) {
      if (s.socket().isListening()
          && s.socket().proto() == Protocol.TCP
          && s.socket().localPort() == port
          && "0.0.0.0".equals(s.socket().localAddress())
          && s.owner().status() == OwnerStatus.PROCESS) {
        return s;
      }
    }
    return null;
  }
}
