package dev.portolan.deploy;

import static dev.portolan.deploy.DeployFiles.AGENT_CAPABILITIES;
import static dev.portolan.deploy.DeployFiles.IMAGE;
import static dev.portolan.deploy.DeployFiles.assertSameSet;
import static dev.portolan.deploy.DeployFiles.asMap;
import static dev.portolan.deploy.DeployFiles.map;
import static dev.portolan.deploy.DeployFiles.mapOrEmpty;
import static dev.portolan.deploy.DeployFiles.str;
import static dev.portolan.deploy.DeployFiles.strings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portolan.config.PortolanConfig;
import dev.portolan.config.Role;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * docker-compose.yml: a hub and two agents clustered on a bridge network, the dashboard published on 7070, agents
 * root with two capabilities, the image k8s/ runs; and Compose itself accepts the file when it is installed.
 */
class DeployComposeTest {
  private static Map<String, Object> compose;
  private static Map<String, Object> services;

  @BeforeAll
  static void load() throws Exception {
    compose = DeployFiles.compose();
    services = map(compose, "services");
  }

  private static Map<String, Object> service(String name) {
    return asMap(services.get(name), "service " + name);
  }

  /** A service's environment, from the map or the KEY=VALUE list form. */
  private static Map<String, String> environment(Map<String, Object> service) {
    Map<String, String> env = new LinkedHashMap<>();
    Object e = service.get("environment");
    if (e instanceof Map<?, ?> m) {
      m.forEach((k, v) -> env.put(k.toString(), String.valueOf(v)));
    } else if (e instanceof List<?> l) {
      for (Object item : l) {
        String s = item.toString();
        env.put(s.substring(0, s.indexOf('=')), s.substring(s.indexOf('=') + 1));
      }
    }
    return env;
  }

  private static List<String> command(Map<String, Object> service) {
    Object c = service.get("command");
    if (c == null) {
      return List.of();
    }
    assertTrue(c instanceof List<?>, "command in exec (list) form: " + c);
    return strings(service, "command");
  }

  private static PortolanConfig settings(String name) {
    Map<String, Object> s = service(name);
    assertNull(s.get("entrypoint"), name + ": the image's entry point runs the jar");
    return DeployFiles.settings(environment(s), command(s), "compose service " + name);
  }

  private static List<String> byRole(Role role) {
    return services.keySet().stream().filter(n -> settings(n).role() == role).sorted().toList();
  }

  @Test
  void aHubAndTwoAgentsOfOneImage() {
    assertEquals(List.of("hub"), byRole(Role.HUB), "one hub");
    assertEquals(List.of("agent1", "agent2"), byRole(Role.AGENT), "two agents");
    assertEquals(3, services.size(), "nothing else: " + services.keySet());
    for (String name : services.keySet()) {
      assertEquals(IMAGE, str(service(name), "image"), name + " runs " + IMAGE);
      for (String arg : command(service(name))) {
        assertFalse(arg.startsWith("-X") || arg.equals("-jar"), name + ": JVM flags go in JAVA_TOOL_OPTIONS, not " + arg);
      }
    }
    Map<String, Object> build = map(service("hub"), "build");
    assertEquals(".", str(build, "context"), "built from the repository root");
    assertEquals("backend/Dockerfile", str(build, "dockerfile"), "with backend/Dockerfile");
    assertTrue(Files.isRegularFile(DeployFiles.root().resolve(str(build, "dockerfile"))), "which exists");
  }

  @Test
  void theMembersClusterOnOneBridgeNetwork() {
    Map<String, Object> networks = map(compose, "networks");
    assertEquals(1, networks.size(), "one network: " + networks.keySet());
    String network = networks.keySet().iterator().next();
    assertEquals("bridge", String.valueOf(mapOrEmpty(networks, network).getOrDefault("driver", "bridge")),
        "a user-defined bridge (its DNS resolves service names)");
    Set<String> names = new TreeSet<>(services.keySet());
    for (String name : names) {
      Map<String, Object> s = service(name);
      assertNull(s.get("network_mode"), name + " is on the compose network, not the host's");
      assertEquals(List.of(network), strings(s, "networks"), name + " is on " + network);
      PortolanConfig settings = settings(name);
      assertTrue(settings.cluster().enabled(), name + " is a cluster member");
      assertEquals(name, settings.cluster().host(),
          name + ": --cluster-host is its service name, which resolves to its address on " + network);
      assertEquals(name, String.valueOf(s.get("hostname")), name + ": host name (and so default node name) is the service's");
      assertNull(settings.cluster().kubernetesDns(), name + ": TCP-IP join, no Kubernetes discovery");
      List<String> joined = new ArrayList<>();
      for (String member : settings.cluster().join()) {
        String host = member.contains(":") ? member.substring(0, member.lastIndexOf(':')) : member;
        assertTrue(names.contains(host), name + ": join member " + member + " is a service of this file");
        if (member.contains(":")) {
          assertEquals(String.valueOf(settings(host).cluster().port()), member.substring(member.lastIndexOf(':') + 1),
              name + ": join " + member + " on that member's Hazelcast port");
        } else {
          assertEquals(5701, settings(host).cluster().port(), name + ": join " + member + " on the default port");
        }
        joined.add(host);
      }
      Set<String> others = new TreeSet<>(names);
      others.remove(name);
      assertTrue(joined.containsAll(others), name + " lists every other member, so any start order forms one cluster: " + joined);
      assertEquals("portolan", settings.cluster().name(), name + ": one cluster name");
    }
  }

  @Test
  void theDashboardIsPublishedOn7070() {
    PortolanConfig hub = settings("hub");
    assertEquals(7070, hub.httpPort(), "the hub's HTTP port");
    assertEquals("0.0.0.0", hub.bind(), "a published port needs the hub to listen on its container address");
    assertEquals(List.of("7070:7070"), strings(service("hub"), "ports"), "published on the host's 7070");
    for (String agent : byRole(Role.AGENT)) {
      assertTrue(strings(service(agent), "ports").isEmpty(), agent + " publishes nothing");
    }
  }

  @Test
  void agentsAreRootWithTwoCapabilitiesTheHubIsNot() {
    for (String name : services.keySet()) {
      Map<String, Object> s = service(name);
      assertEquals(List.of("ALL"), strings(s, "cap_drop"), name + " drops every capability");
      assertEquals(Boolean.TRUE, s.get("read_only"), name + ": read-only root filesystem");
      assertTrue(strings(s, "tmpfs").stream().anyMatch(t -> t.equals("/tmp") || t.startsWith("/tmp:")),
          name + ": a tmpfs on /tmp");
      assertTrue(strings(s, "security_opt").contains("no-new-privileges:true"), name + ": no new privileges");
      assertNull(s.get("privileged"), name + " is not privileged");
      if (settings(name).role() == Role.AGENT) {
        assertEquals("0", String.valueOf(s.get("user")), name + " runs as root (non-root gets no capabilities)");
        assertSameSet(AGENT_CAPABILITIES, strings(s, "cap_add"), name + " adds back SYS_PTRACE and DAC_READ_SEARCH only");
      } else {
        assertNull(s.get("user"), name + " keeps the image's non-root user");
        assertTrue(strings(s, "cap_add").isEmpty(), name + " adds no capability");
      }
      assertNull(s.get("pid"), name + ": no host PID namespace by default (the file's header says why)");
    }
  }

  @Test
  void composeAcceptsTheFile() throws Exception {
    List<String> command = composeCommand();
    Assumptions.assumeTrue(command != null,
        "docker-compose is not installed (nor the docker compose plugin): cannot run 'docker-compose config -q';"
            + " apt-get install docker-compose (.ci/run does)");
    List<String> full = new ArrayList<>(command);
    full.addAll(List.of("-f", "docker-compose.yml", "config", "-q"));
    Path out = Files.createTempFile("compose-config", ".txt");
    try {
      Process p = new ProcessBuilder(full).directory(DeployFiles.root().toFile()).redirectErrorStream(true)
          .redirectOutput(out.toFile()).start();
      boolean done = p.waitFor(60, TimeUnit.SECONDS);
      if (!done) {
        p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
      String output = Files.readString(out, StandardCharsets.UTF_8);
      assertTrue(done, String.join(" ", full) + " finishes within 60 s; output so far: " + output);
      assertEquals(0, p.exitValue(), String.join(" ", full) + " accepts docker-compose.yml: " + output);
    } finally {
      Files.deleteIfExists(out);
    }
  }

  /** docker-compose (v1 or v2 standalone), else the docker CLI's compose plugin, else null. */
  private static List<String> composeCommand() throws Exception {
    String standalone = which("docker-compose");
    if (standalone != null) {
      return List.of(standalone);
    }
    String docker = which("docker");
    if (docker != null) {
      Process p = new ProcessBuilder(docker, "compose", "version").redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      if (p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0) {
        return List.of(docker, "compose");
      }
      p.destroyForcibly();
    }
    return null;
  }

  private static String which(String program) {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
      File f = new File(dir, program);
      if (f.isFile() && f.canExecute()) {
        return f.getAbsolutePath();
      }
    }
    return null;
  }
}
