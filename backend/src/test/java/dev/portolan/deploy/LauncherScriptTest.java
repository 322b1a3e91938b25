package dev.portolan.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code backend/bin/portolan} starts a node with the small-footprint flags and {@code
 * --sun-misc-unsafe-memory-access=allow}; a hub without the heap cap; {@code PORTOLAN_JAVA_OPTS} in
 * their place. Run with a stand-in {@code $JAVA_HOME/bin/java} that prints its arguments.
 */
class LauncherScriptTest {
  @TempDir Path dir;

  private List<String> javaArguments(Map<String, String> env, String... args) throws Exception {
    Run run = launch(env, args);
    assertEquals(0, run.code(), run.out());
    return run.out().lines().toList();
  }

  /** What the launcher printed (with the stand-in java's arguments) and its exit code. */
  private record Run(int code, String out) {}

  private Run launch(Map<String, String> env, String... args) throws Exception {
    Path bin = Files.createDirectories(dir.resolve("jdk/bin"));
    Path java = bin.resolve("java");
    Files.writeString(
        java,
        "#!/bin/sh\n[ -n \"$MALLOC_ARENA_MAX\" ] && echo \"MALLOC_ARENA_MAX=$MALLOC_ARENA_MAX\"\n"
            + "for a in \"$@\"; do echo \"$a\"; done\n");
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path jar = dir.resolve("portolan.jar");
    if (!Files.exists(jar)) {
      Files.writeString(jar, ""); // once: the client's AOT cache is named after its size and time
    }
    Path script = DeployFiles.root().resolve("backend/bin/portolan");
    List<String> command = new java.util.ArrayList<>(List.of("/bin/sh", script.toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().remove("PORTOLAN_JAVA_OPTS");
    pb.environment().remove("PORTOLAN_ROLE");
    pb.environment().remove("JAVA_TOOL_OPTIONS");
    pb.environment().remove("MALLOC_ARENA_MAX");
    // the JVM client's start is what these tests look at, not a node that may answer `who` on
    // this host (LauncherFastWhoTest)
    pb.environment().put("PORTOLAN_FAST", "off");
    pb.environment().put("JAVA_HOME", dir.resolve("jdk").toString());
    pb.environment().put("PORTOLAN_JAR", jar.toString());
    pb.environment().putAll(env);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    return new Run(p.exitValue(), out);
  }

  @Test
  void theClientOnAnOlderJdkSaysWhatItNeedsInOneLine() throws Exception {
    Files.createDirectories(dir.resolve("jdk"));
    for (Map.Entry<String, String> release :
        Map.of("17.0.15", "Java 17", "1.8.0_392", "Java 8", "21", "Java 21").entrySet()) {
      Files.writeString(
          dir.resolve("jdk/release"),
          "IMPLEMENTOR=\"Debian\"\nJAVA_VERSION=\"" + release.getKey() + "\"\n");
      Run run = launch(Map.of("PORTOLAN_AOT", "off"), "who", "22");
      assertEquals(2, run.code(), run.out());
      assertTrue(run.out().startsWith("portolan: needs Java 25 or newer"), run.out());
      assertTrue(run.out().contains(release.getValue() + "."), run.out());
      assertEquals(1, run.out().lines().count(), run.out());
    }
    Files.writeString(dir.resolve("jdk/release"), "JAVA_VERSION=\"25.0.3\"\n");
    Run run = launch(Map.of("PORTOLAN_AOT", "off"), "who", "22");
    assertEquals(0, run.code(), run.out());
    assertTrue(run.out().lines().toList().contains("dev.portolan.cli.ClientMain"), run.out());
  }

  @Test
  void aNodeStartsWithTheSmallFootprintFlags() throws Exception {
    List<String> a = javaArguments(Map.of(), "--http-port", "7070");
    for (String flag :
        List.of(
            "-Xmx128m",
            "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1",
            "-Xss512k",
            "-Xshare:off",
            "--sun-misc-unsafe-memory-access=allow")) {
      assertTrue(a.contains(flag), flag + " in " + a);
    }
    assertEquals(
        List.of("-jar", dir.resolve("portolan.jar").toString(), "--http-port", "7070"),
        a.subList(a.indexOf("-jar"), a.size()));
  }

  @Test
  void aNodeWithTheSmallFlagsGetsTwoMallocArenasUnlessTold() throws Exception {
    assertTrue(
        javaArguments(Map.of(), "--http-port", "7070").contains("MALLOC_ARENA_MAX=2"),
        "the small flags' environment");
    assertTrue(
        javaArguments(Map.of("MALLOC_ARENA_MAX", "4"), "--http-port", "7070")
            .contains("MALLOC_ARENA_MAX=4"),
        "the caller's value kept");
    assertTrue(
        javaArguments(Map.of(), "--role", "hub").stream()
            .noneMatch(l -> l.startsWith("MALLOC_ARENA_MAX")),
        "a hub keeps glibc's default");
  }

  @Test
  void theClientGoesWithoutItsAotCacheWhenJavaToolOptionsSetSharing() throws Exception {
    launch(Map.of("PORTOLAN_AOT", "off"), "who", "22"); // makes the jar
    Path jar = dir.resolve("portolan.jar");
    Path cacheDir = Files.createDirectories(dir.resolve("cache"));
    Path cache =
        Files.writeString(
            cacheDir.resolve(
                "client-"
                    + Files.size(jar)
                    + "-"
                    + Files.getLastModifiedTime(jar).to(TimeUnit.SECONDS)
                    + ".aot"),
            "");
    List<String> with =
        javaArguments(Map.of("PORTOLAN_CACHE_DIR", cacheDir.toString()), "who", "22");
    assertTrue(with.contains("-XX:AOTCache=" + cache), with.toString());
    // the image's small-footprint JAVA_TOOL_OPTIONS have -Xshare:off, and a JVM refuses to start
    // with both ("Option AOTCache cannot be used at the same time with ... -Xshare:off")
    List<String> without =
        javaArguments(
            Map.of(
                "PORTOLAN_CACHE_DIR",
                cacheDir.toString(),
                "JAVA_TOOL_OPTIONS",
                "-XX:+UseSerialGC -Xshare:off"),
            "who",
            "22");
    assertTrue(without.stream().noneMatch(a -> a.startsWith("-XX:AOTCache")), without.toString());
    assertTrue(without.contains("dev.portolan.cli.ClientMain"), without.toString());
  }

  @Test
  void aHubKeepsTheJvmsDefaultsAndTheOperatorMayReplaceThem() throws Exception {
    List<String> hub = javaArguments(Map.of(), "--role", "hub");
    assertFalse(hub.contains("-Xmx128m"), hub.toString());
    assertTrue(hub.contains("--sun-misc-unsafe-memory-access=allow"), hub.toString());
    assertFalse(javaArguments(Map.of("PORTOLAN_ROLE", "hub")).contains("-XX:+UseSerialGC"));
    assertFalse(javaArguments(Map.of(), "--role=hub").contains("-XX:+UseSerialGC"));
    List<String> own = javaArguments(Map.of("PORTOLAN_JAVA_OPTS", "-Xmx1g"), "--role", "agent");
    assertTrue(own.contains("-Xmx1g") && !own.contains("-Xmx128m"), own.toString());
  }
}
