package dev.portolan.socket;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;

/** Captured /proc/net tables under src/test/resources/proc. */
public final class Fixtures {
  private Fixtures() {}

  public static Path dir(String name) {
    URL url = Fixtures.class.getResource("/proc/" + name);
    if (url == null) {
      throw new IllegalStateException("missing fixture dir " + name);
    }
    try {
      return Path.of(url.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  public static byte[] bytes(String dir, String file) {
    try {
      return Files.readAllBytes(dir(dir).resolve(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
