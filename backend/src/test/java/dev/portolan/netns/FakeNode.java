package dev.portolan.netns;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** The captured files under {@code src/test/resources/netns/} copied into a temporary directory. */
record FakeNode(Path procRoot, Path hostRoot) {

  static final String DOCKER = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

  static FakeNode copyInto(Path dir) throws IOException {
    Path source;
    try {
      source = Path.of(FakeNode.class.getResource("/netns").toURI());
    } catch (URISyntaxException e) {
      throw new IOException(e);
    }
    try (Stream<Path> files = Files.walk(source)) {
      for (Path from : files.toList()) {
        Path to = dir.resolve(source.relativize(from).toString());
        if (Files.isDirectory(from)) {
          Files.createDirectories(to);
        } else {
          Files.copy(from, to);
        }
      }
    }
    return new FakeNode(dir.resolve("proc"), dir.resolve("host"));
  }
}
