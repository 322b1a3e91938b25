package dev.portolan.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.portolan.socket.Protocol;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServiceNamesTest {
  @Test
  void builtInTableCoversTheCommonPorts() {
    ServiceNames s = ServiceNames.builtInOnly();
    int[] ports = {22, 23, 25, 53, 80, 443, 993, 995, 3306, 5432, 6379, 8080};
    String[] names = {
      "ssh",
      "telnet",
      "smtp",
      "domain",
      "http",
      "https",
      "imaps",
      "pop3s",
      "mysql",
      "postgresql",
      "redis",
      "http-alt"
    };
    for (int i = 0; i < ports.length; i++) {
      assertEquals(names[i], s.name(Protocol.TCP, ports[i]), "tcp/" + ports[i]);
    }
    assertEquals("domain", s.name(Protocol.UDP, 53));
    assertNull(s.name(Protocol.TCP, 1));
  }

  @Test
  void etcServicesWinsAndIsParsedWithCommentsAndAliases(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("services");
    Files.writeString(
        file,
        "# comment\nmyssh\t\t22/tcp\t\tssh  # remote login\nweird 9/ddp\nbad line\n"
            + "thing 70000/tcp\ncustom 4444/udp\n");
    ServiceNames s = ServiceNames.create(file);
    assertEquals("myssh", s.name(Protocol.TCP, 22));
    assertEquals("custom", s.name(Protocol.UDP, 4444));
    assertNull(s.name(Protocol.TCP, 4444));
    assertEquals("postgresql", s.name(Protocol.TCP, 5432));
    assertEquals("ssh", ServiceNames.create(dir.resolve("missing")).name(Protocol.TCP, 22));
  }
}
