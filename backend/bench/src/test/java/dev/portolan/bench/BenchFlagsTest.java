package dev.portolan.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The agent floor is judged with the flags the agent is deployed with: the benchmark's
 * small-footprint flags are the DaemonSet's JAVA_TOOL_OPTIONS, preceded by the flags that make a
 * JVM outside a container see the pod's limits.
 */
class BenchFlagsTest {

  private static Path repositoryRoot() {
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      if (Files.isRegularFile(d.resolve("k8s/agent-daemonset.yaml"))
          && Files.isDirectory(d.resolve("backend"))) {
        return d;
      }
    }
    throw new AssertionError("no k8s/agent-daemonset.yaml above " + Path.of("").toAbsolutePath());
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> agentContainer() throws Exception {
    try (Reader r = Files.newBufferedReader(repositoryRoot().resolve("k8s/agent-daemonset.yaml"))) {
      Map<String, Object> daemonSet =
          (Map<String, Object>) new Yaml(new SafeConstructor(new LoaderOptions())).load(r);
      Map<String, Object> spec =
          (Map<String, Object>)
              ((Map<String, Object>) ((Map<String, Object>) daemonSet.get("spec")).get("template"))
                  .get("spec");
      return ((List<Map<String, Object>>) spec.get("containers")).getFirst();
    }
  }

  /** "256Mi" -> "256m" (MiB), "1Gi" -> "1024m". */
  static String maxRam(String quantity) {
    if (quantity.endsWith("Mi")) {
      return quantity.substring(0, quantity.length() - 2) + "m";
    }
    if (quantity.endsWith("Gi")) {
      return Integer.parseInt(quantity.substring(0, quantity.length() - 2)) * 1024 + "m";
    }
    throw new IllegalArgumentException("memory limit " + quantity);
  }

  /** "500m" -> 1, "2" -> 2, "1500m" -> 2: the JVM rounds the CPU quota up. */
  static int processors(String quantity) {
    double cpus =
        quantity.endsWith("m")
            ? Integer.parseInt(quantity.substring(0, quantity.length() - 1)) / 1000.0
            : Double.parseDouble(quantity);
    return (int) Math.ceil(cpus);
  }

  @Test
  void smallFootprintFlagsAreTheDeployedAgentsWithItsLimits() throws Exception {
    Map<String, Object> container = agentContainer();
    String options = null;
    for (Object o : (List<?>) container.get("env")) {
      Map<?, ?> env = (Map<?, ?>) o;
      if ("JAVA_TOOL_OPTIONS".equals(env.get("name"))) {
        options = (String) env.get("value");
      }
    }
    assertNotNull(options, "the agent's JAVA_TOOL_OPTIONS");
    @SuppressWarnings("unchecked")
    Map<String, Object> limits =
        (Map<String, Object>) ((Map<String, Object>) container.get("resources")).get("limits");

    List<String> expected =
        new ArrayList<>(
            List.of(
                "-XX:MaxRAM=" + maxRam((String) limits.get("memory")),
                "-XX:ActiveProcessorCount=" + processors(String.valueOf(limits.get("cpu")))));
    expected.addAll(Arrays.asList(options.trim().split("\\s+")));
    assertEquals(expected, BenchCommand.SMALL_FOOTPRINT_FLAGS);
    assertEquals(Arrays.asList(options.trim().split("\\s+")), BenchCommand.DEPLOYED_AGENT_FLAGS);
    for (Map.Entry<String, String> e : BenchCommand.DEPLOYED_AGENT_ENVIRONMENT.entrySet()) {
      assertEquals(
          e.getValue(),
          ((List<?>) container.get("env"))
              .stream()
                  .map(o -> (Map<?, ?>) o)
                  .filter(env -> e.getKey().equals(env.get("name")))
                  .map(env -> String.valueOf(env.get("value")))
                  .findFirst()
                  .orElse(null),
          "the DaemonSet's " + e.getKey());
    }
  }

  @Test
  void quantities() {
    assertEquals("256m", maxRam("256Mi"));
    assertEquals("2048m", maxRam("2Gi"));
    assertEquals(1, processors("500m"));
    assertEquals(2, processors("1500m"));
    assertEquals(2, processors("2"));
  }
}
