package dev.portolan.deploy;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.portolan.Main;
import dev.portolan.config.PortolanConfig;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The repository's deployment files (docker-compose.yml, k8s/, backend/Dockerfile) as the
 * deployment tests read them, and what the jar makes of a container's environment and arguments.
 */
final class DeployFiles {
  /** Image every deployment file runs. */
  static final String IMAGE = "portolan/portolan:0.1.0";

  /**
   * Environment variables a container may set besides the jar's own ({@link
   * PortolanConfig#ENVIRONMENT}).
   */
  static final Set<String> JVM_ENVIRONMENT = Set.of("JAVA_TOOL_OPTIONS", "MALLOC_ARENA_MAX");

  /** The agent's capabilities: exactly these, everything else dropped. */
  static final Set<String> AGENT_CAPABILITIES = Set.of("SYS_PTRACE", "DAC_READ_SEARCH");

  private DeployFiles() {}

  /**
   * The repository root: the nearest directory upwards holding docker-compose.yml, k8s/ and
   * backend/.
   */
  static Path root() {
    Path dir = Path.of("").toAbsolutePath();
    for (Path d = dir; d != null; d = d.getParent()) {
      if (Files.isRegularFile(d.resolve("docker-compose.yml"))
          && Files.isDirectory(d.resolve("k8s"))
          && Files.isDirectory(d.resolve("backend"))) {
        return d;
      }
    }
    throw new AssertionError(
        "no repository root (docker-compose.yml, k8s/, backend/) above " + dir);
  }

  /**
   * A parser that builds plain maps, lists and scalars only, and follows YAML merge keys ("<<").
   */
  static Yaml yaml() {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    return new Yaml(new SafeConstructor(options));
  }

  /** One YAML document of a file under k8s/. */
  record Doc(String source, Map<String, Object> body) {
    String kind() {
      return str(body, "kind");
    }

    String name() {
      return str(map(body, "metadata"), "name");
    }

    @Override
    public String toString() {
      return kind() + " " + name() + " (" + source + ")";
    }
  }

  /** Every non-empty YAML document of every .yaml/.yml file under k8s/, in file order. */
  static List<Doc> k8sDocuments() throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.walk(root().resolve("k8s"))) {
      files =
          s.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
              .sorted()
              .toList();
    }
    List<Doc> docs = new ArrayList<>();
    for (Path file : files) {
      int i = 0;
      try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        for (Object o : yaml().loadAll(r)) {
          i++;
          if (o == null) {
            continue;
          }
          String where = root().relativize(file) + " #" + i;
          docs.add(new Doc(where, asMap(o, where)));
        }
      }
    }
    return docs;
  }

  static Map<String, Object> compose() throws IOException {
    try (Reader r =
        Files.newBufferedReader(root().resolve("docker-compose.yml"), StandardCharsets.UTF_8)) {
      return asMap(yaml().load(r), "docker-compose.yml");
    }
  }

  // ---- navigating parsed YAML ----

  @SuppressWarnings("unchecked")
  static Map<String, Object> asMap(Object o, String what) {
    assertInstanceOf(Map.class, o, what + " is a mapping");
    return (Map<String, Object>) o;
  }

  static Map<String, Object> map(Map<String, Object> m, String key) {
    Object v = m.get(key);
    assertNotNull(v, "'" + key + "' is present in " + m.keySet());
    return asMap(v, "'" + key + "'");
  }

  /** The mapping under key, or an empty one when absent. */
  static Map<String, Object> mapOrEmpty(Map<String, Object> m, String key) {
    return m.get(key) == null ? Map.of() : asMap(m.get(key), "'" + key + "'");
  }

  /** The list of mappings under key, or an empty list when absent. */
  static List<Map<String, Object>> maps(Map<String, Object> m, String key) {
    Object v = m.get(key);
    if (v == null) {
      return List.of();
    }
    assertInstanceOf(List.class, v, "'" + key + "' is a list");
    List<Map<String, Object>> out = new ArrayList<>();
    for (Object o : (List<?>) v) {
      out.add(asMap(o, "an item of '" + key + "'"));
    }
    return out;
  }

  /** The list of scalars under key, as strings, or an empty list when absent. */
  static List<String> strings(Map<String, Object> m, String key) {
    Object v = m.get(key);
    if (v == null) {
      return List.of();
    }
    assertInstanceOf(List.class, v, "'" + key + "' is a list");
    return ((List<?>) v).stream().map(String::valueOf).toList();
  }

  static String str(Map<String, Object> m, String key) {
    Object v = m.get(key);
    assertNotNull(v, "'" + key + "' is present in " + m.keySet());
    return v.toString();
  }

  /**
   * The labels as strings (a YAML "true" or number would otherwise compare unequal to its text).
   */
  static Map<String, String> labels(Map<String, Object> m) {
    Map<String, String> out = new LinkedHashMap<>();
    m.forEach((k, v) -> out.put(k, String.valueOf(v)));
    return out;
  }

  /**
   * Whether a label selector (a plain map, as in matchLabels or a Service's selector) selects these
   * labels.
   */
  static boolean selects(Map<String, String> selector, Map<String, String> podLabels) {
    return !selector.isEmpty() && podLabels.entrySet().containsAll(selector.entrySet());
  }

  // ---- what the jar makes of an environment and a command line ----

  /** Main's options by name (--http-port, ...). */
  static Map<String, OptionSpec> mainOptions() {
    return new CommandLine(new Main()).getCommandSpec().optionsMap();
  }

  /**
   * Checks that args is a command line Main accepts (picocli parses it: unknown options fail) and
   * turns it into the environment variables the same settings have ({@code --http-port 80} ->
   * {@code PORTOLAN_HTTP_PORT=80}, a flag -> "true", a repeated option -> comma-separated), each of
   * which must be one the jar reads.
   */
  static Map<String, String> argsAsEnvironment(List<String> args, String where) {
    assertDoesNotThrow(
        () -> new CommandLine(new Main()).parseArgs(args.toArray(String[]::new)),
        where + ": " + args + " is a command line of dev.portolan.Main");
    Map<String, OptionSpec> options = mainOptions();
    Map<String, String> env = new LinkedHashMap<>();
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      assertTrue(
          arg.startsWith("--"),
          where + ": '" + arg + "' is an option (the jar takes no positional arguments)");
      String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
      OptionSpec option = options.get(name);
      assertNotNull(option, where + ": " + name + " is an option of dev.portolan.Main");
      String value;
      if (arg.contains("=")) {
        value = arg.substring(arg.indexOf('=') + 1);
      } else if (option.arity().max() == 0) {
        value = "true";
      } else {
        assertTrue(i + 1 < args.size(), where + ": " + name + " has a value");
        value = args.get(++i);
      }
      String variable = "PORTOLAN_" + name.substring(2).replace('-', '_').toUpperCase(Locale.ROOT);
      assertTrue(
          PortolanConfig.ENVIRONMENT.containsKey(variable),
          where
              + ": "
              + name
              + " is a setting the jar also reads from the environment ("
              + variable
              + ")");
      env.merge(variable, value, (a, b) -> a + "," + b);
    }
    return env;
  }

  /**
   * The settings the jar runs with, given a container's environment and arguments (arguments win,
   * as in Main), built by the jar's own validation: a bad role, port or name fails here as it would
   * at start. Variables that are not the jar's must be JVM ones.
   */
  static PortolanConfig settings(Map<String, String> environment, List<String> args, String where) {
    Map<String, Object> merged = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : environment.entrySet()) {
      if (JVM_ENVIRONMENT.contains(e.getKey())) {
        continue;
      }
      String key = PortolanConfig.ENVIRONMENT.get(e.getKey());
      if (key == null) {
        fail(
            where
                + ": environment variable "
                + e.getKey()
                + " is not one the jar reads (PortolanConfig.ENVIRONMENT: "
                + PortolanConfig.ENVIRONMENT.keySet().stream().sorted().toList()
                + ") nor "
                + JVM_ENVIRONMENT);
      }
      merged.put(key, e.getValue());
    }
    argsAsEnvironment(args, where)
        .forEach((variable, value) -> merged.put(PortolanConfig.ENVIRONMENT.get(variable), value));
    if (merged.get("users") instanceof String users) {
      // a Secret's file in the pod: the jar reads it at start, so it stands in as a valid file of
      // one user here
      org.junit.jupiter.api.Assertions.assertTrue(
          users.startsWith("/"), where + ": an absolute users path: " + users);
      merged.put("users", assertDoesNotThrow(DeployFiles::usersFile).toString());
    }
    return assertDoesNotThrow(
        () -> PortolanConfig.from(merged, "deploy-test-node"),
        where + ": the jar accepts the settings " + merged);
  }

  private static java.nio.file.Path usersFile() throws java.io.IOException {
    java.nio.file.Path file = java.nio.file.Files.createTempFile("portolan-deploy-users", "");
    file.toFile().deleteOnExit();
    java.nio.file.Files.writeString(
        file, "admin:admin:" + dev.portolan.access.Passwords.hash("deploy-test") + "\n");
    return file;
  }

  /** The four ports of the jar: HTTP, Hazelcast member, event bus, a hub's bridge for agents. */
  static Map<String, Integer> allPorts(PortolanConfig settings) {
    return Map.of(
        "http",
        settings.httpPort(),
        "hazelcast",
        settings.cluster().port(),
        "bus",
        settings.cluster().busPort(),
        "bridge",
        settings.bridge().port());
  }

  /**
   * The ports a node with these settings listens on: a cluster member (a hub) all four; an agent,
   * which is no member and connects out to a hub's bridge, HTTP only.
   */
  static Map<String, Integer> ports(PortolanConfig settings) {
    Map<String, Integer> ports =
        new java.util.HashMap<>(
            settings.cluster().enabled()
                ? allPorts(settings)
                : Map.of("http", settings.httpPort()));
    if (settings.metricsPort().enabled()) {
      ports.put("metrics", settings.metricsPort().port());
    }
    return Map.copyOf(ports);
  }

  /** The jar's defaults for the four ports. */
  static Map<String, Integer> defaultPorts() {
    return allPorts(PortolanConfig.from(Map.of(), "deploy-test-node"));
  }

  /**
   * Environment variables of the hubs' cluster: an agent, which is no member, sets none of them
   * (the jar would ignore them, and they would say the agent joins the cluster).
   */
  static final Set<String> CLUSTER_ENVIRONMENT =
      Set.of(
          "PORTOLAN_CLUSTER",
          "PORTOLAN_CLUSTER_NAME",
          "PORTOLAN_CLUSTER_HOST",
          "PORTOLAN_CLUSTER_PORT",
          "PORTOLAN_BUS_PORT",
          "PORTOLAN_JOIN",
          "PORTOLAN_KUBERNETES_DNS",
          "PORTOLAN_BRIDGE_PORT");

  static void assertSameSet(Set<?> expected, java.util.Collection<?> actual, String message) {
    assertEquals(expected, Set.copyOf(actual), message);
    assertEquals(expected.size(), actual.size(), message + " (no duplicates)");
  }
}
