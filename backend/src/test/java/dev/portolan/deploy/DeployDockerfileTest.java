package dev.portolan.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * backend/Dockerfile, read as Docker reads it (comments dropped, continuation lines joined): a JDK
 * 25 build stage running the Maven wrapper, a JRE 25 run stage with a non-root user, the jar's
 * ports, the jar as entry point.
 */
class DeployDockerfileTest {

  /** Instructions: keyword (upper case) and arguments, one per logical line. */
  record Instruction(String keyword, String args) {}

  static List<Instruction> instructions() {
    List<String> lines;
    try {
      lines = Files.readAllLines(DeployFiles.root().resolve("backend/Dockerfile"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<Instruction> out = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String raw : lines) {
      String line = raw.strip();
      if (line.startsWith("#") || (line.isEmpty() && current.isEmpty())) {
        continue;
      }
      if (line.endsWith("\\")) {
        current.append(line, 0, line.length() - 1).append(' ');
        continue;
      }
      current.append(line);
      String logical = current.toString().strip();
      current.setLength(0);
      if (logical.isEmpty()) {
        continue;
      }
      int space = logical.indexOf(' ');
      out.add(
          new Instruction(
              logical.substring(0, space).toUpperCase(java.util.Locale.ROOT),
              logical.substring(space + 1).strip()));
    }
    assertTrue(current.isEmpty(), "the Dockerfile does not end in a continuation line");
    return out;
  }

  private static List<Instruction> all(String keyword) {
    return instructions().stream().filter(i -> i.keyword().equals(keyword)).toList();
  }

  /** The run stage's instructions: everything after the last FROM. */
  private static List<Instruction> runStage() {
    List<Instruction> all = instructions();
    int last = 0;
    for (int i = 0; i < all.size(); i++) {
      if (all.get(i).keyword().equals("FROM")) {
        last = i;
      }
    }
    return all.subList(last, all.size());
  }

  /** The user the image runs as (the last USER of the run stage), as a number. */
  static int imageUser() {
    List<Instruction> users = runStage().stream().filter(i -> i.keyword().equals("USER")).toList();
    assertFalse(users.isEmpty(), "the run stage sets USER");
    String user = users.getLast().args();
    assertTrue(
        user.matches("\\d+(:\\d+)?"),
        "USER is numeric, so that runAsNonRoot can check it: " + user);
    return Integer.parseInt(user.split(":")[0]);
  }

  @Test
  void buildsWithTheWrapperOnJdk25AndRunsOnJre25() {
    List<Instruction> froms = all("FROM");
    assertEquals(2, froms.size(), "two stages: " + froms);
    assertTrue(
        froms.get(0).args().matches("eclipse-temurin:25-jdk\\S* +(?i:AS) +build"),
        "build stage: " + froms.get(0));
    assertTrue(
        froms.get(1).args().matches("eclipse-temurin:25-jre\\S*"), "run stage: " + froms.get(1));
    List<Instruction> runs =
        instructions().subList(0, instructions().indexOf(runStage().getFirst())).stream()
            .filter(i -> i.keyword().equals("RUN"))
            .toList();
    assertTrue(
        runs.stream().anyMatch(r -> r.args().matches(".*\\./mvnw .*\\bpackage\\b.*")),
        "the build stage runs ./mvnw ... package: " + runs);
    assertTrue(
        runStage().stream()
            .anyMatch(
                i ->
                    i.keyword().equals("COPY")
                        && i.args()
                            .matches(
                                "--from=build +/src/backend/target/portolan\\.jar +/opt/portolan/portolan\\.jar")),
        "the run stage copies the shaded jar from the build stage");
  }

  /**
   * The benchmark and the fleet simulator are a module of their own (backend/bench): neither is in
   * the image.
   */
  @Test
  void theImageHoldsTheNodeWithoutTheBenchOrTheSimulator() {
    List<Instruction> runs =
        instructions().subList(0, instructions().indexOf(runStage().getFirst())).stream()
            .filter(
                i -> i.keyword().equals("RUN") && i.args().matches(".*\\./mvnw .*\\bpackage\\b.*"))
            .toList();
    assertEquals(1, runs.size(), "one ./mvnw ... package: " + runs);
    assertTrue(
        runs.getFirst().args().matches(".*\\s-pl backend -am(\\s.*)?"),
        "it builds the node's module (and what it needs) only: " + runs.getFirst());
    for (String name :
        List.of(
            "dev.portolan.bench.BenchCommand",
            "dev.portolan.sim.Simulation",
            "dev.portolan.sim.SyntheticNode",
            "dev.portolan.verticles.SimulatorVerticle")) {
      assertThrows(
          ClassNotFoundException.class,
          () -> Class.forName(name),
          name + " is not in the node's module");
    }
  }

  @Test
  void runsAsANonRootUserByDefault() {
    int uid = imageUser();
    assertEquals(10001, uid, "the image's user");
    assertTrue(
        runStage().stream()
            .anyMatch(i -> i.keyword().equals("RUN") && i.args().contains("--uid " + uid)),
        "the run stage creates user " + uid);
  }

  @Test
  void exposesTheJarsPorts() {
    Set<Integer> exposed = new HashSet<>();
    for (Instruction e : all("EXPOSE")) {
      for (String p : e.args().split("\\s+")) {
        assertTrue(exposed.add(Integer.parseInt(p.replace("/tcp", ""))), "exposed once: " + p);
      }
    }
    assertEquals(
        Set.copyOf(DeployFiles.defaultPorts().values()),
        exposed,
        "EXPOSE 7070 5701 5702 7071: the jar's ports");
  }

  @Test
  void theEntryPointIsTheJar() {
    List<Instruction> entry = all("ENTRYPOINT");
    assertEquals(1, entry.size(), "one ENTRYPOINT");
    assertEquals(
        "[\"java\", \"--sun-misc-unsafe-memory-access=allow\", \"-jar\","
            + " \"/opt/portolan/portolan.jar\"]",
        entry.getFirst().args(),
        "exec form; no sizing flags (they go in JAVA_TOOL_OPTIONS), only what keeps Hazelcast's"
            + " sun.misc.Unsafe warnings quiet: "
            + entry.getFirst());
    List<Instruction> env = all("ENV");
    assertTrue(
        env.stream()
            .anyMatch(
                e ->
                    e.args().startsWith("JAVA_TOOL_OPTIONS=")
                        && e.args().contains("-XX:+UseSerialGC")
                        && e.args().contains("-XX:TieredStopAtLevel=1")
                        && e.args().contains("-Xss512k")),
        "the small-footprint flags by default: " + env);
    assertTrue(
        all("CMD").isEmpty(),
        "no default arguments: role and settings come from the environment or args");
  }
}
