package dev.portolan.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditFileTest {
  @TempDir Path dir;

  @Test
  void linesAreAppendedAcrossRestarts() throws IOException {
    Path file = dir.resolve("audit.jsonl");
    try (AuditFile f = AuditFile.open(file)) {
      f.append("{\"id\":1}");
      f.append("{\"id\":2}");
    }
    try (AuditFile f = AuditFile.open(file)) {
      f.append("{\"id\":3}");
    }
    assertEquals(List.of("{\"id\":1}", "{\"id\":2}", "{\"id\":3}"), Files.readAllLines(file));
  }

  @Test
  void aPathThatCannotBeWrittenFailsAtOnce() {
    assertThrows(
        IOException.class, () -> AuditFile.open(dir.resolve("no-such-dir").resolve("audit.jsonl")));
  }
}
