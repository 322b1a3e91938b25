package dev.portolan.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * portolan-bench.jar's command line as a user runs it: {@link BenchMain} in a JVM of its own, real
 * exit codes.
 */
class BenchMainCliTest {

  private record Outcome(int code, String stdout, String stderr) {}

  private static Outcome run(String... args) throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(
                ProcessHandle.current().info().command().orElseThrow(),
                "-Xmx128m",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path"),
                BenchMain.class.getName()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().keySet().removeIf(k -> k.startsWith("PORTOLAN_"));
    Process p = pb.start();
    p.getOutputStream().close();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "exits by itself");
    return new Outcome(
        p.exitValue(),
        new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
        new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "--simulate-nodes 10|give --hub",
        "--simulate-nodes 10 --role hub|cannot be combined with --role hub",
        "--simulate-sockets 10|need --simulate-nodes",
        "--simulate-nodes 0 --hub 127.0.0.1:7071|--simulate-nodes must be from 1",
        "--simulate-nodes 5 --simulate-churn 11 --hub 127.0.0.1:7071|--simulate-churn must be from 0 to 10",
        "--simulate-nodes 5 --hub 127.0.0.1:7071 --simulate-fleet-ca ca.pem|--simulate-fleet-ca and"
            + " --simulate-fleet-ca-key go together",
      })
  void simulationWithoutHubsToConnectToIsRefused(String args, String message) throws Exception {
    Outcome o = run(args.split(" "));
    assertEquals(2, o.code(), o.stderr());
    List<String> lines =
        o.stderr().lines().filter(l -> !l.isBlank() && !l.startsWith("WARNING")).toList();
    assertEquals(1, lines.size(), o.stderr());
    assertTrue(
        lines.getFirst().startsWith("portolan: ") && lines.getFirst().contains(message),
        lines.getFirst());
  }

  @Test
  void aBadNodeOptionOfTheSimulatorIsRefusedAsTheNodeRefusesIt() throws Exception {
    Outcome o = run("--simulate-nodes", "3", "--hub", "127.0.0.1:7071", "--interval", "5ms");
    assertEquals(2, o.code(), o.stderr());
    assertTrue(o.stderr().contains("portolan: invalid --interval '5ms'"), o.stderr());
  }

  @Test
  void withoutSimulateOptionsItRunsTheNodesCommandLine() throws Exception {
    Outcome bad = run("--interval", "5ms");
    assertEquals(2, bad.code(), bad.stderr());
    assertTrue(bad.stderr().contains("portolan: invalid --interval '5ms'"), bad.stderr());
    Outcome unknown = run("--frobnicate");
    assertEquals(2, unknown.code());
    assertTrue(unknown.stderr().contains("Unknown option"), unknown.stderr());
  }

  @Test
  void benchIsASubcommandWithItsOptions() throws Exception {
    Outcome help = run("bench", "--help");
    assertEquals(0, help.code(), help.stderr());
    assertTrue(help.stdout().contains("--only"), help.stdout());
    Outcome bad = run("bench", "--only", "everything");
    assertEquals(2, bad.code(), bad.stderr());
  }
}
