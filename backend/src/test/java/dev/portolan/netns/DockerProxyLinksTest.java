package dev.portolan.netns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.socket.Protocol;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DockerProxyLinksTest {

  @TempDir Path dir;
  private FakeNode node;
  private DockerProxyLinks links;

  @BeforeEach
  void copyNode() throws IOException {
    node = FakeNode.copyInto(dir);
    links = DockerProxyLinks.create(node.procRoot(), node.hostRoot());
  }

  @Test
  void linksTheHostListenerToTheRunningContainersPort() {
    List<PublishedPort> ports = links.all();
    assertEquals(List.of(700, 701), ports.stream().map(PublishedPort::proxyPid).toList());
    PublishedPort web = ports.getFirst();
    assertEquals(
        new PublishedPort(
            700, Protocol.TCP, "0.0.0.0", 8080, "172.17.0.2", 80, FakeNode.DOCKER, "web"),
        web,
        "the running container, not the stopped one that once had 172.17.0.2");
    assertEquals("host 0.0.0.0:8080 → container web:80", web.text());
    assertTrue(web.isHostSideOf(Protocol.TCP, "0.0.0.0", 8080));
    assertFalse(web.isHostSideOf(Protocol.UDP, "0.0.0.0", 8080));
    assertFalse(web.isHostSideOf(Protocol.TCP, "::", 8080));
    assertFalse(web.isHostSideOf(Protocol.TCP, "0.0.0.0", 80));
  }

  @Test
  void anAddressNoContainerHasStaysAnAddress() {
    PublishedPort dns = links.of(701).orElseThrow();
    assertNull(dns.containerName());
    assertEquals("host [::]:5353/udp → container [fd00:dead::9]:53/udp", dns.text());
  }

  @Test
  void otherProcessesPublishNothing() {
    assertTrue(links.of(100).isEmpty(), "nginx");
    assertTrue(links.of(99999).isEmpty(), "gone");
  }

  @Test
  void aContainerRestartedWithAnotherAddressIsReadAgain() throws IOException {
    assertEquals("web", links.of(700).orElseThrow().containerName());
    Path config =
        node.hostRoot()
            .resolve("var/lib/docker/containers")
            .resolve(FakeNode.DOCKER)
            .resolve("config.v2.json");
    Files.writeString(config, Files.readString(config).replace("\"172.17.0.2\"", "\"172.17.0.3\""));
    Files.setLastModifiedTime(
        config,
        java.nio.file.attribute.FileTime.fromMillis(
            Files.getLastModifiedTime(config).toMillis() + 10_000));
    assertNull(links.of(700).orElseThrow().containerName(), "nobody has 172.17.0.2 now");
  }

  @Test
  void parsesGoFlagForms() {
    assertEquals(
        new PublishedPort(1, Protocol.UDP, "::", 53, "10.0.0.2", 5353, null, null),
        DockerProxyLinks.parse(
            1,
            List.of(
                "docker-proxy",
                "--proto",
                "udp",
                "-host-ip=::",
                "--host-port=53",
                "-container-ip",
                "10.0.0.2",
                "-container-port",
                "5353")));
    assertNull(DockerProxyLinks.parse(1, List.of("nginx", "-proto", "tcp")), "not a proxy");
    assertNull(
        DockerProxyLinks.parse(
            1,
            List.of(
                "docker-proxy",
                "-proto",
                "sctp",
                "-host-ip",
                "0.0.0.0",
                "-host-port",
                "9",
                "-container-ip",
                "10.0.0.2",
                "-container-port",
                "9")),
        "sctp is not modelled");
    assertNull(
        DockerProxyLinks.parse(1, List.of("docker-proxy", "-proto", "tcp", "-host-port", "99999")),
        "incomplete, out of range");
    assertNull(DockerProxyLinks.parse(1, List.of()), "an empty cmdline (a kernel thread)");
  }
}
