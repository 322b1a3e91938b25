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

  private record Outcome(int code, String stdout, String stderr) {}

  private static Outcome run(Map<String, String> env, String... args) throws Exception {
    Process p = launch(env, args);
    p.getOutputStream().close();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "exits by itself");
    return new Outcome(
        p.exitValue(),
        new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
        new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "--interval|5ms|invalid --interval '5ms': it must be from 100ms to 60s",
        "--interval|2m|invalid --interval '2m': it must be from 100ms to 60s",
        "--interval|soon|invalid --interval 'soon': write it like 250ms",
        "--http-port|abc|invalid --http-port 'abc': it must be a whole number from 0 to 65535",
        "--http-port|70000|invalid --http-port '70000': it must be from 0 to 65535",
        "--node-name|has space|invalid --node-name 'has space': use letters",
        "--bind|a;b|invalid --bind 'a;b': give an IP address or host name",
        "--scan-rate|fast|invalid --scan-rate 'fast': write it like 10/min",
        "--check-rate|5/day|invalid --check-rate '5/day'",
        "--audit-file|/|invalid --audit-file '/': it is a directory",
        "--http-header-timeout|500ms|invalid --http-header-timeout '500ms': it must be from 1s to 1h",
        "--http-max-connections-per-address|5000|invalid --http-max-connections-per-address '5000': it must not be over",
        "--public-host|*.example.com|invalid --public-host '*.example.com'",
        "--join|db-1:99999|invalid --join 'db-1:99999': port from 1 to 65535",
        "--short-lived|maybe|invalid --short-lived 'maybe': on or off",
        "--role|boss|invalid --role 'boss': use all, agent or hub",
        "--scan-allow|10.0.0.0/99|invalid --scan-allow: invalid address or CIDR '10.0.0.0/99'",
      })
  void badOptionValueIsOneClearLineAndExitCodeTwo(String option, String value, String message)
      throws Exception {
    Outcome o = run(Map.of(), option, value);
    assertEquals(2, o.code(), o.stderr());
    List<String> lines =
        o.stderr().lines().filter(l -> !l.isBlank() && !l.startsWith("WARNING")).toList();
    assertEquals(1, lines.size(), o.stderr());
    assertTrue(lines.getFirst().startsWith("portolan: " + message), lines.getFirst());
  }

  @Test
  void badEnvironmentVariableAndBadConfigFileAlsoExitTwo(@TempDir Path dir) throws Exception {
    Outcome env = run(Map.of("PORTOLAN_INTERVAL", "fast"));
    assertEquals(2, env.code(), env.stderr());
    assertTrue(env.stderr().contains("portolan: invalid PORTOLAN_INTERVAL 'fast'"), env.stderr());

    Path config = dir.resolve("portolan.json");
    Files.writeString(config, "{\"httpPort\": 123456}");
    Outcome file = run(Map.of(), "--config", config.toString());
    assertEquals(2, file.code(), file.stderr());
    assertTrue(
        file.stderr().contains("portolan: invalid httpPort '123456': it must be from 0 to 65535"),
        file.stderr());

    Outcome options =
        run(Map.of("PORTOLAN_HTTP_PORT", "1"), "--config", config.toString(), "--http-port", "x");
    assertEquals(2, options.code(), options.stderr());
    assertTrue(
        options.stderr().contains("invalid --http-port 'x'"),
        "the option wins and is named: " + options.stderr());

    Outcome missing = run(Map.of(), "--config", dir.resolve("nope.json").toString());
    assertEquals(2, missing.code());
    assertTrue(missing.stderr().contains("cannot read config file"), missing.stderr());

    Files.writeString(config, "{not json");
    Outcome broken = run(Map.of(), "--config", config.toString());
    assertEquals(2, broken.code(), broken.stderr());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"intervall\": \"2s\"}|unknown key 'intervall' in PATH (did you mean 'interval'?)",
        "{\"httpport\": 80}|unknown key 'httpport' in PATH (did you mean 'httpPort'?)",
        "{\"interval\": \"2s\", \"frobnicate\": true}|unknown key 'frobnicate' in PATH (see --config in --help",
      })
  void unknownConfigFileKeyIsOneLineNamingItAndTheNearestKey(
      String json, String message, @TempDir Path dir) throws Exception {
    Path config = dir.resolve("portolan.json");
    Files.writeString(config, json);
    Outcome o = run(Map.of(), "--config", config.toString());
    assertEquals(2, o.code(), o.stderr());
    List<String> lines =
        o.stderr().lines().filter(l -> !l.isBlank() && !l.startsWith("WARNING")).toList();
    assertEquals(1, lines.size(), o.stderr());
    assertTrue(
        lines.getFirst().startsWith("portolan: " + message.replace("PATH", config.toString())),
        lines.getFirst());
  }

  @Test
  void helpListsEverySettingWithItsVariable() throws Exception {
    Outcome o = run(Map.of(), "--help");
    assertEquals(0, o.code(), o.stderr());
    String help = o.stdout().replaceAll("\\s+", " ");
    for (dev.portolan.config.Setting<?> s : dev.portolan.config.Settings.ALL) {
      if (s.hasFlag()) {
        assertTrue(
            help.contains(s.flag() + (s.paramLabel() != null ? "=" + s.paramLabel() : "")),
            s.flag() + ": " + help);
      }
      assertTrue(help.contains(s.env()), s.env() + ": " + help);
    }
  }

  /**
   * The simulator and the benchmark are in portolan-bench.jar (BenchMainCliTest): the node's jar
   * has neither.
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
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
  void startsAndServesHealthWithSettingsFromFileEnvironmentAndOptions(@TempDir Path dir)
      throws Exception {
    Path config = dir.resolve("portolan.json");
    Files.writeString(config, "{\"nodeName\": \"from-file\", \"interval\": \"5s\"}");
    Process p =
        launch(
            Map.of("PORTOLAN_INTERVAL", "250ms"),
            "--config",
            config.toString(),
            "--http-port",
            "0");
    try {
      BufferedReader out =
          new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      String line = out.readLine();
      Matcher m =
          Pattern.compile("node (\\S+) serving http://127\\.0\\.0\\.1:(\\d+) .*every (\\d+) ms")
              .matcher(line == null ? "" : line);
      assertTrue(m.find(), "startup line: " + line);
      assertEquals("from-file", m.group(1));
      assertEquals("250", m.group(3), "the environment overrides the file");
      try (HttpClient http = HttpClient.newHttpClient()) {
        HttpResponse<String> health =
            http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + m.group(2) + "/health"))
                    .build(),
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
