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

  private static String fixture(String name) throws IOException {
    try (InputStream in = CgroupParserTest.class.getResourceAsStream("/cgroup/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
