package dev.portolan.deploy;

import static dev.portolan.deploy.DeployFiles.AGENT_CAPABILITIES;
import static dev.portolan.deploy.DeployFiles.IMAGE;
import static dev.portolan.deploy.DeployFiles.asMap;
import static dev.portolan.deploy.DeployFiles.assertSameSet;
import static dev.portolan.deploy.DeployFiles.map;
import static dev.portolan.deploy.DeployFiles.mapOrEmpty;
import static dev.portolan.deploy.DeployFiles.str;
import static dev.portolan.deploy.DeployFiles.strings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
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
 * docker-compose.yml: a hub and two agents on an internal network (the hub also on a bridge to
 * publish the dashboard on 7070); the hub is the cluster, the agents connect to its bridge ({@code
 * --hub}) with no cluster options; a plaintext demo bus that says so and docker-compose.tls.yml to
 * run it over TLS with a certificate per agent, agents root with two capabilities, the image k8s/
 * runs; and Compose itself accepts the files when it is installed.
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
        assertFalse(
            arg.startsWith("-X") || arg.equals("-jar"),
            name + ": JVM flags go in JAVA_TOOL_OPTIONS, not " + arg);
      }
    }
    Map<String, Object> build = map(service("hub"), "build");
    assertEquals(".", str(build, "context"), "built from the repository root");
    assertEquals("backend/Dockerfile", str(build, "dockerfile"), "with backend/Dockerfile");
    assertTrue(
        Files.isRegularFile(DeployFiles.root().resolve(str(build, "dockerfile"))), "which exists");
  }

  /** The networks a service is on, with their settings (aliases), from the list or the map form. */
  private static Map<String, Map<String, Object>> networksOf(Map<String, Object> service) {
    Map<String, Map<String, Object>> out = new LinkedHashMap<>();
    Object n = service.get("networks");
    if (n instanceof List<?> l) {
      l.forEach(x -> out.put(x.toString(), Map.of()));
    } else if (n instanceof Map<?, ?> m) {
      m.forEach((k, v) -> out.put(k.toString(), v == null ? Map.of() : asMap(v, "network " + k)));
    }
    return out;
  }

  /** The one internal network: Hazelcast and the event bus. */
  private static String clusterNetwork() {
    Map<String, Object> networks = map(compose, "networks");
    List<String> internal =
        networks.keySet().stream()
            .filter(n -> Boolean.TRUE.equals(mapOrEmpty(networks, n).get("internal")))
            .toList();
    assertEquals(1, internal.size(), "one internal network for the cluster: " + networks);
    return internal.getFirst();
  }

  /**
   * The names {@code service} has on the cluster network: its aliases there, and its service name
   * when that is the only network it is on (on two networks, the name may resolve to its address on
   * the other one).
   */
  private static Set<String> clusterNames(String service) {
    Map<String, Map<String, Object>> networks = networksOf(service(service));
    Set<String> names =
        new TreeSet<>(strings(networks.getOrDefault(clusterNetwork(), Map.of()), "aliases"));
    if (networks.size() == 1) {
      names.add(service);
    }
    return names;
  }

  @Test
  void theHubClustersAndTheAgentsReachItsBridgeOnAnInternalNetwork() {
    String network = clusterNetwork();
    Map<String, Object> networks = map(compose, "networks");
    assertEquals(
        "bridge",
        String.valueOf(mapOrEmpty(networks, network).getOrDefault("driver", "bridge")),
        "a user-defined bridge (its DNS resolves service names and aliases)");
    Set<String> names = new TreeSet<>(services.keySet());
    for (String name : names) {
      Map<String, Object> s = service(name);
      assertNull(s.get("network_mode"), name + " is on the compose networks, not the host's");
      assertTrue(networksOf(s).containsKey(network), name + " is on " + network);
      if (settings(name).role() == Role.AGENT) {
        assertEquals(
            Set.of(network), networksOf(s).keySet(), name + " is on the internal network only");
      }
      PortolanConfig settings = settings(name);
      assertEquals(
          name,
          String.valueOf(s.get("hostname")),
          name + ": host name (and so default node name) is the service's");
      assertNull(
          settings.cluster().kubernetesDns(), name + ": TCP-IP join, no Kubernetes discovery");
      if (settings.role() == Role.AGENT) {
        assertFalse(settings.cluster().enabled(), name + " is no cluster member");
        Map<String, String> env = environment(s);
        env.putAll(DeployFiles.argsAsEnvironment(command(s), "compose service " + name));
        for (String variable : DeployFiles.CLUSTER_ENVIRONMENT) {
          assertFalse(
              env.containsKey(variable),
              name + ": no cluster setting " + variable + " (an agent reports to a hub's bridge)");
        }
        List<String> reached = new ArrayList<>();
        for (var hub : settings.bridge().hubs()) {
          String target =
              names.stream()
                  .filter(n -> clusterNames(n).contains(hub.host()))
                  .findFirst()
                  .orElse(null);
          assertTrue(
              target != null, name + ": --hub " + hub + " is a service's name on " + network);
          assertEquals(Role.HUB, settings(target).role(), name + ": --hub " + hub + " is a hub");
          assertEquals(
              settings(target).bridge().port(),
              hub.port(),
              name + ": --hub " + hub + " on that hub's bridge port");
          assertEquals(
              settings(target).cluster().host(),
              hub.host(),
              name + ": --hub " + hub + " is the address the hub's bridge listens on");
          reached.add(target);
        }
        assertEquals(byRole(Role.HUB), reached, name + " lists every hub once");
        continue;
      }
      assertTrue(settings.cluster().enabled(), name + " is a cluster member");
      assertTrue(
          clusterNames(name).contains(settings.cluster().host()),
          name
              + ": --cluster-host "
              + settings.cluster().host()
              + " is its name on "
              + network
              + " "
              + clusterNames(name));
      List<String> joined = new ArrayList<>();
      for (String member : settings.cluster().join()) {
        String host = member.contains(":") ? member.substring(0, member.lastIndexOf(':')) : member;
        String target =
            names.stream().filter(n -> clusterNames(n).contains(host)).findFirst().orElse(null);
        assertTrue(
            target != null,
            name + ": join member " + member + " is a service's name on " + network);
        assertEquals(
            Role.HUB, settings(target).role(), name + ": join member " + member + " is a hub");
        if (member.contains(":")) {
          assertEquals(
              String.valueOf(settings(target).cluster().port()),
              member.substring(member.lastIndexOf(':') + 1),
              name + ": join " + member + " on that member's Hazelcast port");
        } else {
          assertEquals(
              5701,
              settings(target).cluster().port(),
              name + ": join " + member + " on the default port");
        }
        joined.add(target);
      }
      assertTrue(
          joined.containsAll(byRole(Role.HUB)),
          name + " lists every hub, so any start order forms one cluster: " + joined);
      assertEquals("portolan", settings.cluster().name(), name + ": one cluster name");
    }
    for (String other : networks.keySet()) {
      if (!other.equals(network)) {
        assertFalse(
            Boolean.TRUE.equals(mapOrEmpty(networks, other).get("internal")),
            other + " is not internal");
        for (String name : names) {
          if (networksOf(service(name)).containsKey(other)) {
            assertEquals(
                Role.HUB,
                settings(name).role(),
                other + " holds the hub only (to publish 7070), not " + name);
          }
        }
      }
    }
  }

  @Test
  void theDemoBusIsPlaintextOnTheInternalNetworkAndSaysSo() throws Exception {
    for (String name : services.keySet()) {
      PortolanConfig settings = settings(name);
      assertTrue(
          settings.insecure(), name + ": --insecure, so a plaintext bus beyond loopback starts");
      assertNull(settings.cluster().busTls(), name + ": no bus TLS in the demo");
      assertTrue(
          strings(service(name), "ports").stream()
              .noneMatch(p -> p.contains("5701") || p.contains("5702") || p.contains("7071")),
          name + ": the cluster ports and the bridge are not published");
    }
    String file = Files.readString(DeployFiles.root().resolve("docker-compose.yml"));
    assertTrue(
        file.contains("DEMO: THE EVENT BUS RUNS IN PLAINTEXT")
            && file.contains("backend/docker-compose.tls.yml"),
        "the file's header says the demo bus is plaintext and how to run it over TLS");
  }

  @Test
  void theTlsOverrideMountsTheCertificatesAndDropsInsecure() throws Exception {
    Map<String, Object> override;
    try (var r =
        Files.newBufferedReader(
            DeployFiles.root().resolve("backend/docker-compose.tls.yml"), StandardCharsets.UTF_8)) {
      override = asMap(DeployFiles.yaml().load(r), "docker-compose.tls.yml");
    }
    Map<String, Object> overridden = map(override, "services");
    assertEquals(services.keySet(), overridden.keySet(), "every member gets the certificates");
    for (String name : services.keySet()) {
      Map<String, Object> o = asMap(overridden.get(name), "override of " + name);
      Map<String, String> env = environment(service(name));
      env.putAll(environment(o));
      PortolanConfig settings =
          DeployFiles.settings(
              env, command(service(name)), "compose service " + name + " with TLS");
      // the hub's dashboard stays open in the demo (--insecure, a warning on every page: the
      // repository has no users
      // file); with the certificates the flag no longer lets the bus run in plaintext, and no agent
      // has it
      assertTrue(!settings.insecure() || settings.role().serves(), name + ": not --insecure");
      assertNotNull(settings.cluster().busTls(), name + ": the bus over TLS");
      List<String> volumes = strings(o, "volumes");
      assertEquals(1, volumes.size(), name + ": one volume, the certificates: " + volumes);
      String[] parts = volumes.getFirst().split(":");
      assertEquals(3, parts.length, "host:container:ro " + volumes);
      assertEquals("ro", parts[2], name + ": mounted read-only");
      var tls = settings.cluster().busTls();
      for (java.nio.file.Path file : List.of(tls.cert(), tls.key(), tls.ca())) {
        assertEquals(
            java.nio.file.Path.of(parts[1]),
            file.getParent(),
            name + ": " + file + " is in the mounted directory");
      }
      // an agent's certificate names its node (CN): one directory per agent, named after it
      String expected =
          settings.role() == Role.AGENT
              ? "./bus-tls/agent/" + service(name).get("hostname")
              : "./bus-tls/" + settings.role().wireName();
      assertEquals(
          expected, parts[0], name + ": the certificate of its role and node, from " + expected);
    }
    assertTrue(
        Files.readString(DeployFiles.root().resolve(".gitignore"))
            .lines()
            .anyMatch(l -> l.equals("bus-tls/")),
        ".gitignore keeps the certificates directory (and its private key) out of the repository");
    List<String> command = composeCommand();
    Assumptions.assumeTrue(
        command != null, "docker-compose is not installed: cannot check the merged files");
    List<String> full = new ArrayList<>(command);
    full.addAll(
        List.of(
            "-f", "docker-compose.yml", "-f", "backend/docker-compose.tls.yml", "config", "-q"));
    Process p =
        new ProcessBuilder(full)
            .directory(DeployFiles.root().toFile())
            .redirectErrorStream(true)
            .start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), String.join(" ", full) + " finishes");
    assertEquals(0, p.exitValue(), String.join(" ", full) + " accepts the pair: " + output);
  }

  @Test
  void theDashboardIsPublishedOn7070() {
    PortolanConfig hub = settings("hub");
    assertEquals(7070, hub.httpPort(), "the hub's HTTP port");
    assertEquals(
        "0.0.0.0", hub.bind(), "a published port needs the hub to listen on its container address");
    assertEquals(
        List.of("127.0.0.1:7070:7070"),
        strings(service("hub"), "ports"),
        "published on the host's 7070, on its loopback only (the demo hub is --insecure)");
    var hosts = dev.portolan.access.AllowedHosts.of(hub.bind(), hub.http().publicHosts());
    for (String host : List.of("localhost", "127.0.0.1", "hub")) {
      assertTrue(
          hosts.acceptsHost(host), "the hub answers Host " + host + " (PORTOLAN_PUBLIC_HOST)");
    }
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
      assertTrue(
          strings(s, "tmpfs").stream().anyMatch(t -> t.equals("/tmp") || t.startsWith("/tmp:")),
          name + ": a tmpfs on /tmp");
      assertTrue(
          strings(s, "security_opt").contains("no-new-privileges:true"),
          name + ": no new privileges");
      assertNull(s.get("privileged"), name + " is not privileged");
      if (settings(name).role() == Role.AGENT) {
        assertEquals(
            "0",
            String.valueOf(s.get("user")),
            name + " runs as root (non-root gets no capabilities)");
        assertSameSet(
            AGENT_CAPABILITIES,
            strings(s, "cap_add"),
            name + " adds back SYS_PTRACE and DAC_READ_SEARCH only");
      } else {
        assertNull(s.get("user"), name + " keeps the image's non-root user");
        assertTrue(strings(s, "cap_add").isEmpty(), name + " adds no capability");
      }
      assertNull(
          s.get("pid"), name + ": no host PID namespace by default (the file's header says why)");
    }
  }

  @Test
  void composeAcceptsTheFile() throws Exception {
    List<String> command = composeCommand();
    Assumptions.assumeTrue(
        command != null,
        "docker-compose is not installed (nor the docker compose plugin): cannot run 'docker-compose config -q';"
            + " apt-get install docker-compose (.ci/run does)");
    List<String> full = new ArrayList<>(command);
    full.addAll(List.of("-f", "docker-compose.yml", "config", "-q"));
    Path out = Files.createTempFile("compose-config", ".txt");
    try {
      Process p =
          new ProcessBuilder(full)
              .directory(DeployFiles.root().toFile())
              .redirectErrorStream(true)
              .redirectOutput(out.toFile())
              .start();
      boolean done = p.waitFor(60, TimeUnit.SECONDS);
      if (!done) {
        p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
      String output = Files.readString(out, StandardCharsets.UTF_8);
      assertTrue(done, String.join(" ", full) + " finishes within 60 s; output so far: " + output);
      assertEquals(
          0, p.exitValue(), String.join(" ", full) + " accepts docker-compose.yml: " + output);
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
      Process p =
          new ProcessBuilder(docker, "compose", "version")
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0) {
        return List.of(docker, "compose");
      }
      p.destroyForcibly();
    }
    return null;
  }

  private static String which(String program) {
    for (String dir :
        System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
      File f = new File(dir, program);
      if (f.isFile() && f.canExecute()) {
        return f.getAbsolutePath();
      }
    }
    return null;
  }
}
