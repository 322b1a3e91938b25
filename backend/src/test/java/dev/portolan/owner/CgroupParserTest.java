package dev.portolan.owner;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CgroupParserTest {

  private static final String DOCKER =
      "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      nullValues = "-",
      value = {
        "v2-sshd.txt, sshd.service, -",
        "v2-user-app.txt, app-gnome-firefox-1234.scope, -",
        "v2-docker.txt, system.slice, " + DOCKER,
        "v2-kubepods-containerd.txt, kubepods-burstable-pod1a2b3c4d_5e6f.slice, "
            + "aaaabbbbccccddddeeeeffff0000111122223333444455556666777788889999",
        "v2-podman.txt, machine.slice, fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210",
        "v2-podman-conmon.txt, machine.slice, -",
        "v2-crio.txt, kubepods-besteffort-pod99.slice, "
            + "1111222233334444555566667777888899990000aaaabbbbccccddddeeeeffff",
        "v2-lxc.txt, nginx.service, web01",
        "v2-root.txt, -, -",
        "v1-docker.txt, -, " + DOCKER,
        "v1-systemd-cron.txt, cron.service, -",
        "v1-kubepods-cgroupfs.txt, -, abcdefabcdefabcdefabcdefabcdefabcdefabcdefabcdefabcdefabcdefabcd",
        "v1-lxc.txt, init.scope, db01",
      })
  void parsesFixture(String fixture, String unit, String container) throws IOException {
    CgroupParser.Cgroup parsed = CgroupParser.parse(fixture(fixture));
    assertEquals(unit, parsed.unit(), "unit");
    assertEquals(container, parsed.container(), "container");
  }

  @ParameterizedTest
  @CsvSource(
      nullValues = "-",
      value = {
        "'0::/system.slice/containerd.service/kubepods-besteffort-pod1.slice:cri-containerd:abc123', "
            + "containerd.service, abc123",
        "'1:name=systemd:/user.slice/user-1000.slice/session-3.scope\n0::/', session-3.scope, -",
        "'garbage without colons', -, -",
        "'', -, -",
      })
  void parsesInlineText(String text, String unit, String container) {
    CgroupParser.Cgroup parsed = CgroupParser.parse(text.replace("\\n", "\n"));
    assertEquals(unit, parsed.unit(), "unit");
    assertEquals(container, parsed.container(), "container");
  }

  private static final String POD = "0f1e2d3c-4b5a-6978-8a9b-acbdcedfe0f1";
  private static final String KUBE_CONTAINER =
      "1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c";

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      nullValues = "-",
      value = {
        "v2-docker.txt, " + DOCKER + ", docker, -",
        "v1-docker.txt, " + DOCKER + ", docker, -",
        "v2-podman.txt, fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210, podman, -",
        "v2-podman-conmon.txt, -, -, -",
        "v2-lxc.txt, web01, lxc, -",
        "v1-lxc.txt, db01, lxc, -",
        "v2-sshd.txt, -, -, -",
        "v2-root.txt, -, -, -",
        // the systemd driver writes the pod uid with '_' for '-'
        "v2-kubepods-containerd.txt, "
            + "aaaabbbbccccddddeeeeffff0000111122223333444455556666777788889999, containerd, 1a2b3c4d-5e6f",
        "v2-crio.txt, 1111222233334444555566667777888899990000aaaabbbbccccddddeeeeffff, cri-o, 99",
        "v2-kubepods-guaranteed-systemd.txt, " + KUBE_CONTAINER + ", containerd, " + POD,
        "v1-kubepods-systemd-docker.txt, " + KUBE_CONTAINER + ", docker, " + POD,
        "v2-kind-nested.txt, " + KUBE_CONTAINER + ", containerd, " + POD,
        "v2-containerd-systemd-cgroup-false.txt, " + KUBE_CONTAINER + ", containerd, " + POD,
        // the cgroupfs driver: the pod directory holds the uid as it is; a bare id names no runtime
        "v1-kubepods-cgroupfs.txt, abcdefabcdefabcdefabcdefabcdefabcdefabcdefabcdefabcdefabcdefabcd, -, "
            + "8f7e6d5c-1234-5678-9abc-def012345678",
        "v2-kubepods-cgroupfs.txt, " + KUBE_CONTAINER + ", -, " + POD,
        "v1-kubepods-cgroupfs-crio.txt, " + KUBE_CONTAINER + ", cri-o, " + POD,
      })
  void findsRuntimeAndPod(String fixture, String container, String runtime, String podUid)
      throws IOException {
    CgroupParser.Cgroup parsed = CgroupParser.parse(fixture(fixture));
    assertEquals(container, parsed.container(), "container");
    assertEquals(runtime, parsed.runtime() == null ? null : parsed.runtime().wireName(), "runtime");
    assertEquals(podUid, parsed.podUid(), "pod uid");
  }

  @ParameterizedTest
  @CsvSource(
      nullValues = "-",
      value = {
        // a pod's own slice, before any container: the pod is known, the container not
        "'0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-podab_cd.slice', ab-cd",
        "'0::/kubepods/burstable/pod1234-5678', 1234-5678",
        // QoS slices and paths outside kubepods name no pod
        "'0::/kubepods.slice/kubepods-burstable.slice', -",
        "'0::/system.slice/pod-manager.service', -",
        "'0::/machine.slice/libpod-pod-0123.slice', -",
        "'0::/kubepods/burstable', -",
      })
  void podUidOnlyFromKubepodsPaths(String text, String podUid) {
    assertEquals(podUid, CgroupParser.parse(text).podUid(), text);
  }

  private static String fixture(String name) throws IOException {
    try (InputStream in = CgroupParserTest.class.getResourceAsStream("/cgroup/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
