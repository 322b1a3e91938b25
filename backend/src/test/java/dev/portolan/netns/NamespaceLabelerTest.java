package dev.portolan.netns;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.netns.NamespaceLabel.Kind;
import dev.portolan.owner.ContainerRuntime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Labels from the captured cgroup and runtime files of {@code resources/netns} (see its README).
 */
class NamespaceLabelerTest {

  @TempDir Path dir;
  private FakeNode node;
  private NamespaceLabeler labeler;

  @BeforeEach
  void copyNode() throws IOException {
    node = FakeNode.copyInto(dir);
    labeler = NamespaceLabeler.create(node.procRoot(), node.hostRoot());
  }

  @Test
  void theHostsNamespaceIsHostWhateverItsProcessesAre() {
    NamespaceLabel label = labeler.label(1, List.of(100, 201, 600), null, true);
    assertEquals(NamespaceLabel.host(null), label);
    assertEquals("host", label.text());
    assertEquals(NamespaceLabel.host("default"), labeler.label(1, List.of(100), "default", true));
    assertEquals(
        NamespaceLabel.Kind.CONTAINER,
        labeler.label(1, List.of(100), "default", false).kind(),
        "no longer the host's: its processes say what it is");
    assertArrayEquals(new int[] {1, 1, 0}, labeler.cacheSizes());
  }

  @Test
  void dockerV2ScopeNamedFromConfigV2() {
    NamespaceLabel label = labeler.label(2, List.of(100), null, false);
    assertEquals(
        new NamespaceLabel(
            Kind.CONTAINER,
            null,
            FakeNode.DOCKER,
            "web",
            ContainerRuntime.DOCKER,
            null,
            null,
            null),
        label);
    assertEquals("container web (docker)", label.text());
  }

  @Test
  void dockerV1CgroupfsPath() {
    NamespaceLabel label = labeler.label(3, List.of(110), null, false);
    assertEquals(Kind.CONTAINER, label.kind());
    assertEquals("web", label.containerName());
    assertEquals(ContainerRuntime.DOCKER, label.runtime());
  }

  @Test
  void kubernetesOnContainerdV2SystemdFromTheBundleAnnotations() {
    NamespaceLabel label =
        labeler.label(4, List.of(201, 200), "cni-5f1b0c9a-7d3e-2c4b-8a6f-9e0d1c2b3a45", false);
    assertEquals(
        new NamespaceLabel(
            Kind.POD,
            "cni-5f1b0c9a-7d3e-2c4b-8a6f-9e0d1c2b3a45",
            "aaaa000000000000000000000000000000000000000000000000000000000002",
            "nginx",
            ContainerRuntime.CONTAINERD,
            "default",
            "nginx-6d4cf56db6-x2x7k",
            "3f0c6c1e-9a51-4a4e-8f55-0d6a6d1c2b11"),
        label);
    assertEquals("pod default/nginx-6d4cf56db6-x2x7k", label.text());
  }

  @Test
  void kubernetesOnContainerdV1Systemd() {
    NamespaceLabel label = labeler.label(15, List.of(250), null, false);
    assertEquals(Kind.POD, label.kind());
    assertEquals("nginx", label.containerName());
    assertEquals(ContainerRuntime.CONTAINERD, label.runtime());
    assertEquals("3f0c6c1e-9a51-4a4e-8f55-0d6a6d1c2b11", label.podUid());
    assertEquals("pod default/nginx-6d4cf56db6-x2x7k", label.text());
  }

  @Test
  void kubernetesV1CgroupfsFromTheKubeletsLogDirectories() {
    NamespaceLabel label = labeler.label(5, List.of(300, 301), null, false);
    assertEquals(
        new NamespaceLabel(
            Kind.POD,
            null,
            "bbbb000000000000000000000000000000000000000000000000000000000002",
            "redis",
            null,
            "cache",
            "redis-0",
            "7d2e9b40-1c35-4f6a-a0e2-5b8c9d0e1f22"),
        label);
  }

  @Test
  void aPodWithoutFilesIsNamedByItsHostname() {
    NamespaceLabel label = labeler.label(6, List.of(350), null, false);
    assertEquals(Kind.POD, label.kind());
    assertEquals("worker-7f9c5", label.podName());
    assertNull(label.podNamespace(), "the environment does not say the namespace");
    assertEquals("5e5e5e5e-0000-4000-8000-000000000350", label.podUid());
    assertEquals(
        "eeee000000000000000000000000000000000000000000000000000000000001", label.containerId());
    assertNull(label.containerName());
    assertEquals("pod worker-7f9c5", label.text());
  }

  @Test
  void crioFromTheUserdataAnnotations() {
    NamespaceLabel label = labeler.label(7, List.of(400, 401), null, false);
    assertEquals(
        new NamespaceLabel(
            Kind.POD,
            null,
            "cccc000000000000000000000000000000000000000000000000000000000002",
            "coredns",
            ContainerRuntime.CRIO,
            "kube-system",
            "coredns-7db6d8ff4d-9qxkz",
            "a1b2c3d4-e5f6-4718-9293-a4b5c6d7e8f9"),
        label);
  }

  @Test
  void aPodWithOnlyItsSandboxHasNoContainer() {
    NamespaceLabel label = labeler.label(8, List.of(400), null, false);
    assertEquals(Kind.POD, label.kind());
    assertEquals("coredns-7db6d8ff4d-9qxkz", label.podName());
    assertNull(label.containerId(), "the sandbox is not the pod's container");
    assertEquals(ContainerRuntime.CRIO, label.runtime());
  }

  @Test
  void podmanNamedFromContainersJson() {
    NamespaceLabel label = labeler.label(9, List.of(500), null, false);
    assertEquals(
        new NamespaceLabel(
            Kind.CONTAINER,
            null,
            "dddd000000000000000000000000000000000000000000000000000000000001",
            "apache",
            ContainerRuntime.PODMAN,
            null,
            null,
            null),
        label);
  }

  @Test
  void aPlainProcessIsUnknownOrItsName() {
    assertEquals(NamespaceLabel.unknown(null), labeler.label(10, List.of(600), null, false));
    assertEquals(Kind.UNKNOWN, labeler.label(10, List.of(600), null, false).kind());
    NamespaceLabel named = labeler.label(11, List.of(600), "blue", false);
    assertEquals(NamespaceLabel.named("blue"), named);
    assertEquals("netns blue", named.text());
    assertEquals(Kind.UNKNOWN, labeler.label(12, List.of(), null, false).kind());
    assertEquals(Kind.UNKNOWN, labeler.label(13, List.of(99999), null, false).kind(), "gone");
  }

  @Test
  void containersSharingANamespaceOutsideKubernetesGoToTheLowestPid() {
    NamespaceLabel label = labeler.label(14, List.of(500, 100), null, false);
    assertEquals(FakeNode.DOCKER, label.containerId());
  }

  @Test
  void aLabelIsKeptWhileItsProcessesAreTheSameAndTheFilesWhileTheNamespaceIs() throws IOException {
    assertEquals("web", labeler.label(20, List.of(100), null, false).containerName());
    Files.delete(
        node.hostRoot()
            .resolve("var/lib/docker/containers")
            .resolve(FakeNode.DOCKER)
            .resolve("config.v2.json"));
    assertEquals("web", labeler.label(20, List.of(100), null, false).containerName(), "kept");
    assertEquals(
        "web",
        labeler.label(20, List.of(100, 110), null, false).containerName(),
        "new processes: the label is made again, the container's facts are remembered");
    assertArrayEquals(new int[] {1, 1, 0}, labeler.cacheSizes());
    labeler.forget(20);
    assertArrayEquals(new int[] {0, 0, 0}, labeler.cacheSizes());
    NamespaceLabel again = labeler.label(20, List.of(100), null, false);
    assertNull(again.containerName(), "forgotten, and the file is gone");
    assertEquals(FakeNode.DOCKER, again.containerId(), "the cgroup still says the id");
  }

  @Test
  void aContainerWhoseFilesComeLaterIsNamedWithinTheRecheck() throws IOException {
    Path config =
        node.hostRoot()
            .resolve("var/lib/docker/containers")
            .resolve(FakeNode.DOCKER)
            .resolve("config.v2.json");
    byte[] written = Files.readAllBytes(config);
    Files.delete(config); // the runtime has not written it yet
    NamespaceLabel first = labeler.label(21, List.of(100), null, false);
    assertEquals(Kind.CONTAINER, first.kind());
    assertNull(first.containerName(), "no file, no name");
    assertTrue(NamespaceLabeler.incomplete(first));
    Files.write(config, written);
    assertNull(
        labeler.label(21, List.of(100), null, false).containerName(),
        "kept at first: the same processes");
    int calls = 2;
    while (labeler.label(21, List.of(100), null, false).containerName() == null) {
      calls++;
      assertTrue(
          calls <= NamespaceLabeler.RECHECK_INCOMPLETE_EVERY,
          "named within " + NamespaceLabeler.RECHECK_INCOMPLETE_EVERY + " calls");
    }
    NamespaceLabel named = labeler.label(21, List.of(100), null, false);
    assertEquals("web", named.containerName());
    assertFalse(NamespaceLabeler.incomplete(named));
    assertFalse(
        NamespaceLabeler.incomplete(labeler.label(22, List.of(100), "some-name", false)),
        "a container the files name is complete, whatever its netns name");
  }

  @Test
  void retainOnlyKeepsTheNamedNamespacesAndWhatTheyNeed() {
    labeler.label(30, List.of(100), null, false);
    labeler.label(31, List.of(200, 201), null, false);
    // the pause alone: its container is in no runtime file, its pod in /var/log/pods
    assertEquals("redis-0", labeler.label(32, List.of(300), null, false).podName());
    assertArrayEquals(new int[] {3, 3, 1}, labeler.cacheSizes());
    labeler.retainOnly(Set.of(31L, 99L));
    assertArrayEquals(new int[] {1, 2, 0}, labeler.cacheSizes());
    labeler.retainOnly(Set.of());
    assertArrayEquals(new int[] {0, 0, 0}, labeler.cacheSizes());
  }

  @Test
  void everyRuntimeFileListedIsOneTheCapturedTreeHasAndTheTestsRead() throws IOException {
    for (String pattern : NamespaceLabeler.RUNTIME_FILES) {
      Path found = node.hostRoot();
      for (String part : pattern.substring(1).split("/")) {
        if (part.equals("<id>")) {
          try (var entries = Files.list(found)) {
            found = entries.filter(Files::isDirectory).findFirst().orElseThrow();
          }
        } else {
          found = found.resolve(part);
        }
      }
      assertTrue(Files.exists(found), pattern + " is in resources/netns/host");
    }
  }

  @Test
  void aHostileIdReadsNothingOutsideTheRuntimesDirectories() throws IOException {
    Path proc = node.procRoot().resolve("800");
    Files.createDirectories(proc);
    Files.writeString(proc.resolve("cgroup"), "0::/lxc/..\n");
    // what var/lib/docker/containers/../config.v2.json would find
    Files.writeString(
        node.hostRoot().resolve("var/lib/docker/config.v2.json"), "{\"Name\":\"/escaped\"}");
    NamespaceLabel label = labeler.label(40, List.of(800), null, false);
    assertEquals("..", label.containerId(), "the cgroup's word for it");
    assertNull(label.containerName(), "no file read through '..'");
  }
}
