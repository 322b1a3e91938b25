package dev.portolan.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The repository's top level is exactly what the team agreed: the build, the two modules' trees,
 * the deployment files and the README (plus the Maven wrapper and CI); everything else lives below
 * (the benchmark figures in backend/BENCHMARKS.md, the compose TLS override in backend/). Hidden
 * entries (.git, .mvn, .ci, .gitignore) and what .gitignore keeps out (target/, bus-tls/, editor
 * folders) are not counted.
 */
class RepositoryLayoutTest {
  private static final Set<String> TOP_LEVEL =
      Set.of(
          "pom.xml",
          "backend",
          "frontend",
          "docker-compose.yml",
          "k8s",
          "README.md",
          "mvnw",
          "LICENSE");

  private static final Set<String> IGNORED = Set.of("target", "bus-tls", ".idea", ".vscode");

  @Test
  void theTopLevelHoldsExactlyTheAgreedEntries() throws IOException {
    Set<String> found = new TreeSet<>();
    try (Stream<java.nio.file.Path> entries = Files.list(DeployFiles.root())) {
      entries
          .map(p -> p.getFileName().toString())
          .filter(name -> !name.startsWith("."))
          .filter(name -> !IGNORED.contains(name) && !name.endsWith(".iml"))
          .forEach(found::add);
    }
    assertEquals(new TreeSet<>(TOP_LEVEL), found, "the repository's top level");
  }
}
