package dev.portolan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's client entry point ({@link ClientMain}) starts the common commands without
 * picocli, whose Java 5 classes the AOT cache cannot hold: a child JVM logs the classes it loads.
 */
class ClientStartTest {

  @TempDir Path dir;

  @Test
  void whoAndLsLoadNoPicocliClass() throws Exception {
    for (String[] args : List.of(new String[] {"who", "tcp/5432"}, new String[] {"ls", "-ltn"})) {
      List<String> picocli =
          loadedClasses(args).stream().filter(c -> c.startsWith("picocli.")).toList();
      assertEquals(List.of(), picocli, "picocli classes loaded by " + List.of(args));
    }
  }

  @Test
  void helpStillGoesToPicocli() throws Exception {
    assertTrue(loadedClasses("who", "--help").contains("picocli.CommandLine"));
  }

  /** The classes a client run of {@code args} loads (its server unreachable: exit 3 or 0). */
  private List<String> loadedClasses(String... args) throws Exception {
    Path log = Files.createTempFile(dir, "classes", ".log");
    List<String> command =
        new ArrayList<>(
            List.of(
                ProcessHandle.current().info().command().orElseThrow(),
                "-XX:TieredStopAtLevel=1",
                "-Xlog:class+load=info:file=" + log,
                "-cp",
                System.getProperty("java.class.path"),
                ClientMain.class.getName()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.redirectOutput(dir.resolve("out.txt").toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("PORTOLAN_"));
    pb.environment().put("PORTOLAN_SERVER", ClientRun.NOWHERE);
    Process p = pb.start();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the client ends");
    int code = p.exitValue();
    assertTrue(
        code == 0 || code == CliException.UNREACHABLE,
        "exit code "
            + code
            + " of "
            + List.of(args)
            + ": "
            + Files.readString(dir.resolve("out.txt")));
    List<String> classes = new ArrayList<>();
    for (String line : Files.readAllLines(log)) {
      // [info][class,load] NAME source: ...
      int at = line.indexOf("] ");
      String rest = at < 0 ? line : line.substring(line.lastIndexOf("] ") + 2);
      int space = rest.indexOf(' ');
      classes.add(space < 0 ? rest : rest.substring(0, space));
    }
    assertTrue(classes.contains(ClientMain.class.getName()), "classes logged: " + classes.size());
    return classes;
  }
}
