package dev.portolan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The command line as a user runs it: a real JVM, real exit codes, real stderr. */
class MainCliTest {

  private static Process launch(Map<String, String> env, String... args) throws Exception {
    return CliProcess.launch(env, args);
  }

  private record Outcome(int code, String stdout, String stderr) {
  }

  private static Outcome run(Map<String, String> env, String... args) throws Exception {
    Process p = launch(env, args);
    p.getOutputStream().close();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "exits by itself");
    return new Outcome(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
        new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(delimiter = '|', value = {
      "--interval|5ms|invalid interval",
      "--interval|2m|invalid interval",
      "--interval|soon|invalid interval",
      "--http-port|abc|invalid httpPort",
      "--http-port|70000|invalid httpPort",
      "--node-name|has space|invalid node name",
      "--bind|a;b|invalid bind",
      "--scan-rate|fast|invalid scanRate 'fast': write it like 10/min",
      "--check-rate|5/day|invalid checkRate",
      "--audit-file|/|invalid auditFile '/': it is a directory",
      "--http-header-timeout|500ms|invalid httpHeaderTimeout '500ms': it must be from 1s to 1h",
      "--http-max-connections-per-address|5000|invalid httpMaxConnectionsPerAddress '5000': it must not be over",
      "--public-host|*.example.com|invalid public host '*.example.com'",
  })
  void badOptionValueIsOneClearLineAndExitCodeTwo(String option, String value, String message) throws Exception {
    Outcome o = run(Map.of(), option, value);
    assertEquals(2, o.code(), o.stderr());
    List<String> lines = o.stderr().lines().filter(l -> !l.isBlank() && !l.startsWith("WARNING")).toList();
    assertEquals(1, lines.size(), o.stderr());
    assertTrue(lines.getFirst().startsWith("portolan: " + message), lines.getFirst());
  }

  @Test
  void badEnvironmentVariableAndBadConfigFileAlsoExitTwo(@TempDir Path dir) throws Exception {
    Outcome env = run(Map.of("PORTOLAN_INTERVAL", "fast"));
    assertEquals(2, env.code(), env.stderr());
    assertTrue(env.stderr().contains("invalid interval 'fast'"), env.stderr());

    Path config = dir.resolve("portolan.json");
    Files.writeString(config, "{\"httpPort\": 123456}");
    Outcome file = run(Map.of(), "--config", config.toString());
    assertEquals(2, file.code(), file.stderr());
    assertTrue(file.stderr().contains("invalid httpPort"), file.stderr());

    Outcome missing = run(Map.of(), "--config", dir.resolve("nope.json").toString());
    assertEquals(2, missing.code());
    assertTrue(missing.stderr().contains("cannot read config file"), missing.stderr());

    Files.writeString(config, "{not json");
    Outcome broken = run(Map.of(), "--config", config.toString());
    assertEquals(2, broken.code(), broken.stderr());
  }

  /** The simulator and the benchmark are in portolan-bench.jar (BenchMainCliTest): the node's jar has neither. */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "--simulate-nodes 10 --join 127.0.0.1|Unknown options: '--simulate-nodes', '10'",
      "--simulate-sockets 10|Unknown options: '--simulate-sockets', '10'",
      "bench --only sockets|Unmatched arguments from index 0: 'bench'",
  })
  void simulatorAndBenchAreNotPartOfTheNode(String args, String message) throws Exception {
    Outcome o = run(Map.of(), args.split(" "));
    assertEquals(2, o.code(), o.stderr());
    assertTrue(o.stderr().contains(message), o.stderr());
  }

  @Test
  void unknownOptionIsAUsageErrorWithExitCodeTwo() throws Exception {
    Outcome o = run(Map.of(), "--frobnicate");
    assertEquals(2, o.code());
    assertTrue(o.stderr().contains("Unknown option"), o.stderr());
  }

  @Test
  void startsAndServesHealthWithSettingsFromFileEnvironmentAndOptions(@TempDir Path dir) throws Exception {
    Path config = dir.resolve("portolan.json");
    Files.writeString(config, "{\"nodeName\": \"from-file\", \"interval\": \"5s\"}");
    Process p = launch(Map.of("PORTOLAN_INTERVAL", "250ms"), "--config", config.toString(), "--http-port", "0");
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      String line = out.readLine();
      Matcher m = Pattern.compile("node (\\S+) serving http://127\\.0\\.0\\.1:(\\d+) .*every (\\d+) ms").matcher(line == null ? "" : line);
      assertTrue(m.find(), "startup line: " + line);
      assertEquals("from-file", m.group(1));
      assertEquals("250", m.group(3), "the environment overrides the file");
      try (HttpClient http = HttpClient.newHttpClient()) {
        HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + m.group(2) + "/health")).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(200, health.statusCode());
        assertTrue(health.body().contains("\"node\":\"from-file\""), health.body());
      }
    } finally {
      p.destroy();
      assertTrue(p.waitFor(20, TimeUnit.SECONDS), "stops on SIGTERM");
    }
  }
}
