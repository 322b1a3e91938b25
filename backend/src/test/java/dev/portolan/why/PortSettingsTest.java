package dev.portolan.why;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PortSettingsTest {
  @Test
  void readsTheTwoSysctlsAndKeepsDefaultsForWhatIsMissing(@TempDir Path dir) throws Exception {
    Path ipv4 = Files.createDirectories(dir.resolve("net/ipv4"));
    Files.writeString(ipv4.resolve("ip_local_port_range"), "40000\t50000\n");

    PortSettings s = PortSettings.read(dir);

    assertEquals(new PortSettings(1024, 40000, 50000), s);
    assertTrue(s.privileged(80));
    assertFalse(s.privileged(0));
    assertTrue(s.ephemeral(40000));
    assertFalse(s.ephemeral(50001));

    Files.writeString(ipv4.resolve("ip_unprivileged_port_start"), "80\n");
    assertFalse(PortSettings.read(dir).privileged(80));
  }

  @Test
  void thisHostsSettingsAreTheKernels() throws Exception {
    String range;
    try (var in = Files.newInputStream(Path.of("/proc/sys/net/ipv4/ip_local_port_range"))) {
      range = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII).strip();
    }
    PortSettings s = PortSettings.read();
    assertEquals(range, s.ephemeralLow() + "\t" + s.ephemeralHigh());
  }
}
