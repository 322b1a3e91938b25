package dev.portolan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The jar's entry point: compiled for Java 8, it tells an older JVM in one line what is needed, and
 * hands over to {@link Main} on Java 25.
 */
class LauncherTest {

  @Test
  void readsFeatureReleases() {
    assertEquals(8, Launcher.feature("1.8"));
    assertEquals(17, Launcher.feature("17"));
    assertEquals(25, Launcher.feature("25"));
    assertEquals(26, Launcher.feature("26-ea"));
    assertEquals(0, Launcher.feature("?"));
  }

  @Test
  void isCompiledForJava8() throws IOException {
    try (InputStream in = Launcher.class.getResourceAsStream("Launcher.class");
        DataInputStream data = new DataInputStream(in)) {
      assertEquals(0xCAFEBABE, data.readInt());
      data.readUnsignedShort(); // minor
      assertEquals(52, data.readUnsignedShort(), "class file version 52 (Java 8)");
    }
  }

  @Test
  void anOlderJavaGetsOneLineAndExitCode2() throws Exception {
    Optional<Path> old = olderJdk();
    Assumptions.assumeTrue(
        old.isPresent(), "no JDK older than 25 under /usr/lib/jvm to run the launcher with");
    Path classes =
        Paths.get(Launcher.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Result r =
        run(
            List.of(
                old.get().resolve("bin/java").toString(),
                "-cp",
                classes.toString(),
                "dev.portolan.Launcher"));
    assertEquals(2, r.exit(), r.err());
    assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
    assertTrue(r.err().startsWith("portolan: needs Java 25 or newer, and this is Java "), r.err());
    assertTrue(
        r.err().contains(old.get().toRealPath().toString()), "names the JVM it ran on: " + r.err());
  }

  @Test
  void java25HandsOverToMain() throws Exception {
    String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    Result r =
        run(
            List.of(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                "dev.portolan.Launcher",
                "--version"));
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().startsWith("portolan "), r.out());
  }

  private record Result(int exit, String out, String err) {}

  private static Result run(List<String> command) throws Exception {
    Process p = new ProcessBuilder(new ArrayList<>(command)).start();
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    byte[] err = p.getErrorStream().readAllBytes();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "exits");
    return new Result(
        p.exitValue(),
        new String(out, StandardCharsets.UTF_8),
        new String(err, StandardCharsets.UTF_8));
  }

  /** A JDK or JRE under /usr/lib/jvm whose {@code release} file says a version before 25. */
  private static Optional<Path> olderJdk() throws IOException {
    Path jvms = Paths.get("/usr/lib/jvm");
    if (!Files.isDirectory(jvms)) {
      return Optional.empty();
    }
    try (Stream<Path> homes = Files.list(jvms)) {
      return homes
          .filter(h -> Files.isExecutable(h.resolve("bin/java")))
          .filter(h -> releaseFeature(h) > 0 && releaseFeature(h) < Launcher.NEEDED)
          .sorted()
          .findFirst();
    }
  }

  private static int releaseFeature(Path home) {
    try {
      for (String line : Files.readAllLines(home.resolve("release"))) {
        if (line.startsWith("JAVA_VERSION=")) {
          return Launcher.feature(line.substring("JAVA_VERSION=".length()).replace("\"", ""));
        }
      }
    } catch (IOException noReleaseFile) {
      // not a JDK we can tell the version of
    }
    return 0;
  }
}
