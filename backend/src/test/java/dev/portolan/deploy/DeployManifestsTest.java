package dev.portolan.deploy;

import static dev.portolan.deploy.DeployFiles.AGENT_CAPABILITIES;
import static dev.portolan.deploy.DeployFiles.IMAGE;
import static dev.portolan.deploy.DeployFiles.assertSameSet;
import static dev.portolan.deploy.DeployFiles.labels;
import static dev.portolan.deploy.DeployFiles.map;
import static dev.portolan.deploy.DeployFiles.mapOrEmpty;
import static dev.portolan.deploy.DeployFiles.maps;
import static dev.portolan.deploy.DeployFiles.selects;
import static dev.portolan.deploy.DeployFiles.str;
import static dev.portolan.deploy.DeployFiles.strings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.portolan.config.PortolanConfig;
import dev.portolan.config.Role;
import dev.portolan.deploy.DeployFiles.Doc;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Kubernetes manifests under k8s/, parsed: they must hang together (selectors, Services, ports,
 * probes), say only what the jar understands (environment, arguments, roles, ports), and keep the
 * security settings k8s/README.md explains. Nothing here needs a cluster.
 */
class DeployManifestsTest {
  private static final String NAMESPACE = "portolan";
  private static final Map<String, String> PART_OF =
      Map.of("app.kubernetes.io/name", "portolan", "app.kubernetes.io/part-of", "portolan");

  /**
   * Stand-ins for what the downward API gives a pod: plausible values for the fields the manifests
   * may use.
   */
  private static final Map<String, String> DOWNWARD_API =
      Map.of(
          "spec.nodeName",
          "node-1",
          "status.hostIP",
          "10.1.0.11",
          "status.podIP",
          "10.244.1.7",
          "metadata.name",
          "portolan-hub-abc12",
          "metadata.namespace",
          NAMESPACE);

  private static List<Doc> docs;

  @BeforeAll
  static void load() throws Exception {
    docs = DeployFiles.k8sDocuments();
  }

  // ---- helpers ----

  private static List<Doc> ofKind(String kind) {
    return docs.stream().filter(d -> d.kind().equals(kind)).toList();
  }

  private static Doc one(String kind, String name) {
    List<Doc> found =
        docs.stream().filter(d -> d.kind().equals(kind) && d.name().equals(name)).toList();
    assertEquals(1, found.size(), "exactly one " + kind + " " + name + " under k8s/: " + found);
    return found.getFirst();
  }

  private static List<Doc> workloads() {
    List<Doc> w = new ArrayList<>(ofKind("DaemonSet"));
    w.addAll(ofKind("Deployment"));
    w.addAll(ofKind("StatefulSet"));
    return w;
  }

  private static Map<String, Object> podSpec(Doc workload) {
    return map(map(map(workload.body(), "spec"), "template"), "spec");
  }

  private static Map<String, String> podLabels(Doc workload) {
    return labels(map(map(map(map(workload.body(), "spec"), "template"), "metadata"), "labels"));
  }

  private static List<Map<String, Object>> containers(Doc workload) {
    List<Map<String, Object>> all = new ArrayList<>(maps(podSpec(workload), "containers"));
    all.addAll(maps(podSpec(workload), "initContainers"));
    return all;
  }

  /** The workload's one container (every workload here runs exactly the portolan container). */
  private static Map<String, Object> container(Doc workload) {
    List<Map<String, Object>> c = containers(workload);
    assertEquals(1, c.size(), workload + " runs one container");
    return c.getFirst();
  }

  /**
   * A container's environment as the process sees it: envFrom ConfigMaps, then env (downward API
   * substituted).
   */
  private static Map<String, String> environment(Doc workload, Map<String, Object> container) {
    Map<String, String> env = new LinkedHashMap<>();
    for (Map<String, Object> from : maps(container, "envFrom")) {
      assertNull(from.get("prefix"), workload + ": envFrom without a prefix");
      String configMap = str(map(from, "configMapRef"), "name");
      Map<String, Object> data = mapOrEmpty(one("ConfigMap", configMap).body(), "data");
      assertFalse(data.isEmpty(), workload + ": ConfigMap " + configMap + " has data");
      data.forEach((k, v) -> env.put(k, String.valueOf(v)));
    }
    for (Map<String, Object> e : maps(container, "env")) {
      String name = str(e, "name");
      if (e.containsKey("value")) {
        env.put(name, String.valueOf(e.get("value")));
      } else {
        Map<String, Object> valueFrom = map(e, "valueFrom");
        String path = str(map(valueFrom, "fieldRef"), "fieldPath");
        assertTrue(
            DOWNWARD_API.containsKey(path),
            workload + ": " + name + " comes from a known pod field: " + path);
        env.put(name, DOWNWARD_API.get(path));
      }
    }
    return env;
  }

  /** The env entry's downward-API field, or null when it is a plain value or absent. */
  private static String fieldRef(Map<String, Object> container, String variable) {
    for (Map<String, Object> e : maps(container, "env")) {
      if (str(e, "name").equals(variable) && e.get("valueFrom") != null) {
        return str(map(map(e, "valueFrom"), "fieldRef"), "fieldPath");
      }
    }
    return null;
  }

  private static PortolanConfig settings(Doc workload) {
    Map<String, Object> c = container(workload);
    assertNull(c.get("command"), workload + ": no command, the image's entry point runs the jar");
    return DeployFiles.settings(environment(workload, c), strings(c, "args"), workload.toString());
  }

  private static Map<String, Integer> containerPorts(Map<String, Object> container) {
    Map<String, Integer> ports = new LinkedHashMap<>();
    for (Map<String, Object> p : maps(container, "ports")) {
      assertEquals(
          "TCP",
          String.valueOf(p.getOrDefault("protocol", "TCP")),
          "container ports are TCP: " + p);
      assertNull(
          ports.put(str(p, "name"), ((Number) p.get("containerPort")).intValue()),
          "port names are unique");
    }
    return ports;
  }

  /**
   * A port given by name or number, resolved against a container's declared ports; fails when it is
   * not declared.
   */
  private static int resolvePort(Object port, Map<String, Integer> declared, String where) {
    assertNotNull(port, where + ": a port is given");
    if (port instanceof Number n) {
      assertTrue(
          declared.containsValue(n.intValue()),
          where + ": port " + n + " is a declared container port " + declared);
      return n.intValue();
    }
    Integer p = declared.get(port.toString());
    assertNotNull(p, where + ": port '" + port + "' is a declared container port " + declared);
    return p;
  }

  private static Doc workloadWithComponent(String kind, String component) {
    List<Doc> found =
        ofKind(kind).stream()
            .filter(d -> component.equals(podLabels(d).get("app.kubernetes.io/component")))
            .toList();
    assertEquals(1, found.size(), "one " + kind + " of component " + component + ": " + found);
    return found.getFirst();
  }

  private static Doc agents() {
    return workloadWithComponent("DaemonSet", "agent");
  }

  private static Doc hubs() {
    return workloadWithComponent("Deployment", "hub");
  }

  /** The one Service with a port of this name. */
  private static Doc serviceWithPort(String portName) {
    List<Doc> found =
        ofKind("Service").stream()
            .filter(
                d ->
                    maps(map(d.body(), "spec"), "ports").stream()
                        .anyMatch(p -> portName.equals(p.get("name"))))
            .toList();
    assertEquals(1, found.size(), "one Service with a port '" + portName + "': " + found);
    return found.getFirst();
  }

  /** The hubs' discovery: the Service of the Hazelcast port, which must be headless. */
  private static Doc clusterService() {
    Doc s = serviceWithPort("hazelcast");
    assertEquals("None", map(s.body(), "spec").get("clusterIP"), s + " is headless");
    return s;
  }

  /** The hubs' bridge for agents: the Service of the bridge port. */
  private static Doc bridgeService() {
    return serviceWithPort("bridge");
  }

  /** The port numbers of a NetworkPolicy rule or a Service. */
  private static Set<Integer> portNumbers(Map<String, Object> m) {
    Set<Integer> out = new HashSet<>();
    maps(m, "ports").forEach(x -> out.add(((Number) x.get("port")).intValue()));
    return out;
  }

  /** Kubernetes quantities as numbers: cpu "50m" = 0.05, memory "192Mi" = 192 * 2^20. */
  private static BigDecimal quantity(Object q) {
    String s = String.valueOf(q);
    Map<String, BigDecimal> suffixes =
        Map.of(
            "m",
            new BigDecimal("0.001"),
            "Ki",
            BigDecimal.valueOf(1L << 10),
            "Mi",
            BigDecimal.valueOf(1L << 20),
            "Gi",
            BigDecimal.valueOf(1L << 30),
            "k",
            BigDecimal.valueOf(1000),
            "M",
            BigDecimal.valueOf(1_000_000),
            "G",
            BigDecimal.valueOf(1_000_000_000));
    for (String suffix : List.of("Ki", "Mi", "Gi", "m", "k", "M", "G")) {
      if (s.endsWith(suffix)) {
        return new BigDecimal(s.substring(0, s.length() - suffix.length()))
            .multiply(suffixes.get(suffix));
      }
    }
    return new BigDecimal(s);
  }

  private static void assertRequestsWithinLimits(Doc workload) {
    Map<String, Object> resources = map(container(workload), "resources");
    Map<String, Object> requests = map(resources, "requests");
    Map<String, Object> limits = map(resources, "limits");
    for (String r : List.of("cpu", "memory")) {
      assertNotNull(requests.get(r), workload + " requests " + r);
      assertNotNull(limits.get(r), workload + " limits " + r);
      assertTrue(quantity(requests.get(r)).signum() > 0, workload + ": " + r + " request > 0");
      assertTrue(
          quantity(requests.get(r)).compareTo(quantity(limits.get(r))) <= 0,
          workload + ": " + r + " request " + requests.get(r) + " <= limit " + limits.get(r));
    }
    String jvm = environment(workload, container(workload)).get("JAVA_TOOL_OPTIONS");
    assertNotNull(jvm, workload + " sizes the JVM in JAVA_TOOL_OPTIONS");
    assertTrue(
        jvm.matches(".*-XX:MaxRAMPercentage=\\d+.*"),
        workload + ": heap from the memory limit: " + jvm);
    assertFalse(
        jvm.matches(".*-Xmx\\S+.*"),
        workload + ": no -Xmx, which would override MaxRAMPercentage: " + jvm);
  }

  /** /tmp is writable (an emptyDir) while the root filesystem is read-only. */
  private static void assertTmpIsAnEmptyDir(Doc workload) {
    Map<String, Object> c = container(workload);
    String volume =
        maps(c, "volumeMounts").stream()
            .filter(m -> "/tmp".equals(m.get("mountPath")))
            .map(m -> str(m, "name"))
            .findFirst()
            .orElse(null);
    assertNotNull(volume, workload + " mounts a volume on /tmp");
    Map<String, Object> v =
        maps(podSpec(workload), "volumes").stream()
            .filter(x -> volume.equals(x.get("name")))
            .findFirst()
            .orElse(null);
    assertNotNull(v, workload + " declares volume " + volume);
    assertTrue(v.containsKey("emptyDir"), workload + ": /tmp is an emptyDir: " + v);
  }

  // ---- the tests ----

  @Test
  void theManifestsAreAllThere() {
    assertFalse(docs.isEmpty(), "k8s/ holds YAML documents");
    Set<String> kinds = new TreeSet<>();
    docs.forEach(d -> kinds.add(d.kind()));
    assertTrue(
        kinds.containsAll(
            Set.of(
                "Namespace", "ConfigMap", "DaemonSet", "Deployment", "Service", "NetworkPolicy")),
        "namespace, config, agents, hubs, services and network policy: " + kinds);
    Set<String> seen = new HashSet<>();
    for (Doc d : docs) {
      assertTrue(seen.add(d.kind() + "/" + d.name()), "one " + d.kind() + " named " + d.name());
    }
  }

  @Test
  void everyDocumentIsNamedLabelledAndInTheNamespace() {
    for (Doc d : docs) {
      assertFalse(str(d.body(), "apiVersion").isBlank(), d + " has an apiVersion");
      assertFalse(d.kind().isBlank(), d + " has a kind");
      Map<String, Object> metadata = map(d.body(), "metadata");
      assertTrue(
          str(metadata, "name").matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?"), d + ": a DNS-label name");
      if (d.kind().equals("Namespace")) {
        assertEquals(NAMESPACE, d.name(), "the namespace is " + NAMESPACE);
        assertNull(metadata.get("namespace"), "a Namespace has no namespace");
      } else {
        assertEquals(NAMESPACE, metadata.get("namespace"), d + " is in namespace " + NAMESPACE);
      }
      assertTrue(
          labels(map(metadata, "labels")).entrySet().containsAll(PART_OF.entrySet()),
          d + " carries " + PART_OF);
    }
    assertEquals(1, ofKind("Namespace").size(), "one Namespace");
  }

  @Test
  void workloadsSelectTheirOwnPodsAndNoOneElses() {
    List<Doc> workloads = workloads();
    assertEquals(2, workloads.size(), "agents and hubs: " + workloads);
    for (Doc w : workloads) {
      Map<String, String> selector =
          labels(map(map(map(w.body(), "spec"), "selector"), "matchLabels"));
      assertNull(
          map(map(w.body(), "spec"), "selector").get("matchExpressions"), w + ": matchLabels only");
      Map<String, String> pod = podLabels(w);
      assertTrue(
          selects(selector, pod), w + ": selector " + selector + " matches its pod labels " + pod);
      assertTrue(pod.entrySet().containsAll(PART_OF.entrySet()), w + ": pods carry " + PART_OF);
      String component = pod.get("app.kubernetes.io/component");
      assertTrue(
          Set.of("agent", "hub").contains(component), w + ": component agent or hub: " + component);
      assertEquals(
          component, selector.get("app.kubernetes.io/component"), w + " selects by component");
      assertEquals(
          component,
          labels(map(map(w.body(), "metadata"), "labels")).get("app.kubernetes.io/component"),
          w + " is labelled with its component");
      for (Doc other : workloads) {
        if (other != w) {
          assertFalse(
              selects(selector, podLabels(other)), w + " does not select the pods of " + other);
        }
      }
    }
    for (Doc pdb : ofKind("PodDisruptionBudget")) {
      Map<String, String> selector =
          labels(map(map(map(pdb.body(), "spec"), "selector"), "matchLabels"));
      assertEquals(
          1,
          workloads.stream().filter(w -> selects(selector, podLabels(w))).count(),
          pdb + " covers exactly one workload");
    }
  }

  @Test
  void oneImageEverywhere() {
    for (Doc w : workloads()) {
      for (Map<String, Object> c : containers(w)) {
        assertEquals(IMAGE, str(c, "image"), w + " runs " + IMAGE);
        assertEquals(
            "IfNotPresent", c.get("imagePullPolicy"), w + ": a pinned tag, pulled if not present");
      }
    }
  }

  @Test
  void theEnvironmentAndArgumentsAreTheJars() {
    for (Doc w : workloads()) {
      Map<String, Object> c = container(w);
      Map<String, String> env = environment(w, c);
      for (String name : env.keySet()) {
        assertTrue(
            PortolanConfig.ENVIRONMENT.containsKey(name)
                || DeployFiles.JVM_ENVIRONMENT.contains(name),
            w + ": " + name + " is read by the jar (PortolanConfig.ENVIRONMENT) or the JVM");
      }
      assertTrue(env.containsKey("PORTOLAN_ROLE"), w + " sets PORTOLAN_ROLE");
      Set<String> roles = new HashSet<>();
      for (Role r : Role.values()) {
        roles.add(r.wireName());
      }
      assertTrue(
          roles.contains(env.get("PORTOLAN_ROLE")), w + ": PORTOLAN_ROLE is one of " + roles);
      DeployFiles.argsAsEnvironment(strings(c, "args"), w.toString());
      // The jar's own validation accepts the whole environment.
      settings(w);
    }
    for (Doc cm : ofKind("ConfigMap")) {
      for (String key : mapOrEmpty(cm.body(), "data").keySet()) {
        assertTrue(
            PortolanConfig.ENVIRONMENT.containsKey(key),
            cm + ": key " + key + " is a PORTOLAN_* variable the jar reads");
      }
      assertTrue(
          workloads().stream()
              .anyMatch(
                  w ->
                      maps(container(w), "envFrom").stream()
                          .anyMatch(f -> cm.name().equals(map(f, "configMapRef").get("name")))),
          cm + " is used by a workload");
    }
  }

  @Test
  void portsAreTheJarsAndProbesAskForHealthOnTheHttpPort() {
    Map<String, Integer> defaults = DeployFiles.defaultPorts();
    assertEquals(
        Map.of("http", 7070, "hazelcast", 5701, "bus", 5702, "bridge", 7071),
        defaults,
        "the jar's default ports");
    for (Doc w : workloads()) {
      PortolanConfig settings = settings(w);
      Map<String, Object> c = container(w);
      Map<String, Integer> declared = containerPorts(c);
      assertEquals(
          DeployFiles.ports(settings),
          declared,
          w
              + ": container ports (a hub: http, hazelcast, bus and bridge; an agent: http) are the ports"
              + " the jar listens on with this environment");
      for (String probe : List.of("startupProbe", "readinessProbe", "livenessProbe")) {
        Map<String, Object> p = map(c, probe);
        if (settings.role() == Role.AGENT && !probe.equals("readinessProbe")) {
          // An agent's /health is 503 while it has no hub: restarting it for that would not bring a
          // hub back (it reconnects by itself) and would delay its return (CrashLoopBackOff). Its
          // startup and liveness ask only whether its HTTP port is up.
          assertNull(p.get("httpGet"), w + ": " + probe + " does not depend on the hubs");
          Map<String, Object> tcp = map(p, "tcpSocket");
          assertEquals(
              settings.httpPort(),
              resolvePort(tcp.get("port"), declared, w + " " + probe),
              w + ": " + probe + " on the HTTP port");
          assertEquals(
              settings.bind(),
              tcp.get("host"),
              w + ": " + probe + " asks the address the jar binds");
          continue;
        }
        Map<String, Object> httpGet = map(p, "httpGet");
        assertEquals("/health", httpGet.get("path"), w + ": " + probe + " asks for /health");
        assertEquals(
            settings.httpPort(),
            resolvePort(httpGet.get("port"), declared, w + " " + probe),
            w + ": " + probe + " on the HTTP port");
        if (map(map(map(w.body(), "spec"), "template"), "spec").get("hostNetwork")
            == Boolean.TRUE) {
          // The kubelet probes from the node's network namespace, which a hostNetwork pod shares:
          // the address the
          // jar binds must be the one probed.
          assertEquals(
              settings.bind(),
              httpGet.get("host"),
              w + ": " + probe + " asks the address the jar binds");
        } else {
          assertNull(httpGet.get("host"), w + ": " + probe + " asks the pod's own address");
          assertEquals(
              "0.0.0.0",
              settings.bind(),
              w + ": a pod's HTTP port must listen on the pod's address");
        }
      }
    }
  }

  @Test
  void servicesSelectExistingPodsOnDeclaredPorts() {
    List<Doc> services = ofKind("Service");
    assertEquals(
        3,
        services.size(),
        "a headless Service for the hubs' discovery, one for the bridge and one for the dashboard: "
            + services);
    for (Doc s : services) {
      Map<String, Object> spec = map(s.body(), "spec");
      Map<String, String> selector = labels(map(spec, "selector"));
      List<Doc> selected =
          workloads().stream().filter(w -> selects(selector, podLabels(w))).toList();
      assertFalse(selected.isEmpty(), s + ": selector " + selector + " selects a workload's pods");
      for (Map<String, Object> port : maps(spec, "ports")) {
        assertEquals("TCP", String.valueOf(port.getOrDefault("protocol", "TCP")), s + ": TCP");
        int servicePort = ((Number) port.get("port")).intValue();
        for (Doc w : selected) {
          int target =
              resolvePort(
                  port.getOrDefault("targetPort", servicePort),
                  containerPorts(container(w)),
                  s + " -> " + w);
          assertEquals(
              servicePort,
              target,
              s + ": port " + port.get("name") + " forwards to the same port on " + w);
          assertEquals(
              port.get("name"),
              containerPorts(container(w)).entrySet().stream()
                  .filter(e -> e.getValue() == target)
                  .map(Map.Entry::getKey)
                  .findFirst()
                  .orElseThrow(),
              s + ": service port and container port share a name");
        }
      }
    }
  }

  @Test
  void theHeadlessServiceIsTheDiscoveryNameOfTheHubsOnly() {
    Doc headless = clusterService();
    Map<String, Object> spec = map(headless.body(), "spec");
    assertEquals(
        Boolean.TRUE,
        spec.get("publishNotReadyAddresses"),
        "members find each other before they are ready");
    Map<String, String> selector = labels(map(spec, "selector"));
    assertFalse(
        selects(selector, podLabels(agents())),
        "the headless Service does not find the agents (no members)");
    assertTrue(selects(selector, podLabels(hubs())), "the headless Service finds the hubs");
    Map<String, Integer> ports = new LinkedHashMap<>();
    maps(spec, "ports")
        .forEach(p -> ports.put(str(p, "name"), ((Number) p.get("port")).intValue()));
    String dns = headless.name() + "." + NAMESPACE + ".svc.cluster.local";
    PortolanConfig agent = settings(agents());
    assertFalse(agent.cluster().enabled(), agents() + " is no cluster member");
    assertNull(agent.cluster().kubernetesDns(), agents() + ": no PORTOLAN_KUBERNETES_DNS");
    assertTrue(agent.cluster().join().isEmpty(), agents() + ": no PORTOLAN_JOIN");
    for (Doc w : List.of(hubs())) {
      PortolanConfig settings = settings(w);
      assertTrue(settings.cluster().enabled(), w + " is a cluster member");
      assertEquals(
          dns,
          settings.cluster().kubernetesDns(),
          w + ": PORTOLAN_KUBERNETES_DNS names the headless Service");
      assertEquals(
          Map.of("hazelcast", settings.cluster().port(), "bus", settings.cluster().busPort()),
          ports,
          "the headless Service's ports are the members' Hazelcast and event-bus ports");
      assertTrue(
          settings.cluster().join().isEmpty(), w + ": discovery by DNS, no TCP-IP member list");
    }
  }

  @Test
  void theDashboardServiceReachesOnlyTheHubs() {
    Doc web = serviceWithPort("http");
    Map<String, Object> spec = map(web.body(), "spec");
    Map<String, String> selector = labels(map(spec, "selector"));
    assertTrue(selects(selector, podLabels(hubs())), web + " selects the hubs");
    assertFalse(
        selects(selector, podLabels(agents())),
        web + " does not select the agents (no dashboard there)");
    List<Map<String, Object>> ports = maps(spec, "ports");
    assertEquals(1, ports.size(), web + ": one port");
    assertEquals(
        settings(hubs()).httpPort(),
        ((Number) ports.getFirst().get("port")).intValue(),
        web + ": the HTTP port");
    // the hubs answer only the Hosts they know (DNS rebinding): the Service's names among them
    String name = String.valueOf(map(web.body(), "metadata").get("name"));
    String namespace = String.valueOf(map(web.body(), "metadata").get("namespace"));
    var hosts =
        dev.portolan.access.AllowedHosts.of(
            settings(hubs()).bind(), settings(hubs()).http().publicHosts());
    for (String host :
        List.of(
            name,
            name + "." + namespace,
            name + "." + namespace + ".svc",
            name + "." + namespace + ".svc.cluster.local",
            "localhost")) {
      assertTrue(
          hosts.acceptsHost(host), hubs() + " answers Host " + host + " (PORTOLAN_PUBLIC_HOST)");
    }
  }

  @Test
  void theAgentsSeeTheirNodeWithTwoCapabilitiesAndNothingMore() {
    Doc ds = agents();
    Map<String, Object> pod = podSpec(ds);
    assertEquals(
        Boolean.TRUE,
        pod.get("hostNetwork"),
        "agents are in the node's network namespace (its sockets)");
    assertEquals(
        Boolean.TRUE, pod.get("hostPID"), "agents are in the node's PID namespace (its processes)");
    assertEquals(
        "ClusterFirstWithHostNet",
        pod.get("dnsPolicy"),
        "a hostNetwork pod that resolves cluster names");
    assertEquals(
        Boolean.FALSE, pod.get("automountServiceAccountToken"), "DNS discovery needs no API token");
    assertNull(pod.get("hostIPC"), "no host IPC namespace");
    Map<String, Object> c = container(ds);
    Map<String, Object> sc = map(c, "securityContext");
    assertEquals(0, sc.get("runAsUser"), "root: a non-root uid gets no effective capabilities");
    assertEquals(Boolean.FALSE, sc.get("allowPrivilegeEscalation"), "no privilege escalation");
    assertEquals(Boolean.FALSE, sc.getOrDefault("privileged", Boolean.FALSE), "not privileged");
    assertEquals(Boolean.TRUE, sc.get("readOnlyRootFilesystem"), "read-only root filesystem");
    Map<String, Object> caps = map(sc, "capabilities");
    assertEquals(List.of("ALL"), strings(caps, "drop"), "every capability dropped");
    assertSameSet(
        AGENT_CAPABILITIES, strings(caps, "add"), "only SYS_PTRACE and DAC_READ_SEARCH added back");
    assertEquals(
        "RuntimeDefault", str(map(sc, "seccompProfile"), "type"), "the runtime's seccomp profile");
    assertEquals(
        "Unconfined",
        str(map(sc, "appArmorProfile"), "type"),
        "AppArmor's default profile would deny ptrace reads of the node's processes");
    assertTmpIsAnEmptyDir(ds);
    assertRequestsWithinLimits(ds);

    PortolanConfig settings = settings(ds);
    assertEquals(Role.AGENT, settings.role(), "PORTOLAN_ROLE=agent");
    assertEquals(
        "spec.nodeName", fieldRef(c, "PORTOLAN_NODE_NAME"), "agents are named after their node");
    assertEquals(
        "127.0.0.1",
        settings.bind(),
        "an agent's /health and /metrics stay on the node's loopback");
  }

  /**
   * Other network namespaces (pods', containers') are read through the node's processes: hostPID,
   * CAP_SYS_PTRACE for /proc/<pid>/ns/net, world-readable /proc/<pid>/net/*; not CAP_SYS_ADMIN
   * (setns), and the runtimes' files through /proc/1/root, so no hostPath besides the bus
   * certificate. k8s/README.md says so and lists every runtime file the labeler reads.
   */
  @Test
  void theAgentsSeeOtherNamespacesThroughTheNodesProcessesWithoutSysAdmin() throws Exception {
    Doc ds = agents();
    Map<String, Object> pod = podSpec(ds);
    assertEquals(Boolean.TRUE, pod.get("hostPID"), "the pods' processes, and so their namespaces");
    List<String> added = strings(map(map(container(ds), "securityContext"), "capabilities"), "add");
    assertTrue(added.contains("SYS_PTRACE"), "/proc/<pid>/ns/net of other users' processes");
    for (String withheld : List.of("SYS_ADMIN", "CAP_SYS_ADMIN", "NET_ADMIN", "ALL")) {
      assertFalse(added.contains(withheld), withheld + " is not granted: " + added);
    }
    Set<String> hostPaths = new TreeSet<>();
    for (Map<String, Object> v : maps(pod, "volumes")) {
      if (v.get("hostPath") != null) {
        hostPaths.add(str(map(v, "hostPath"), "path"));
      }
    }
    assertEquals(
        Set.of("/etc/portolan/bus-tls"),
        hostPaths,
        "the runtimes' files are read through /proc/1/root, not mounted");
    String readme = java.nio.file.Files.readString(DeployFiles.root().resolve("k8s/README.md"));
    int section = readme.indexOf("## Network namespaces: what is and is not seen");
    assertTrue(section >= 0, "k8s/README.md has the section on network namespaces");
    String text = readme.substring(section);
    for (String file : dev.portolan.netns.NamespaceLabeler.RUNTIME_FILES) {
      assertTrue(text.contains("`" + file + "`"), "k8s/README.md names " + file);
    }
    for (String words :
        List.of(
            "CAP_SYS_ADMIN", "CAP_SYS_PTRACE", "setns", "/proc/<pid>/net/", "What is not read")) {
      assertTrue(text.contains(words), "the section explains " + words);
    }
  }

  @Test
  void theAgentsAreNoClusterMembersTheyConnectToTheHubsBridge() {
    Doc ds = agents();
    Map<String, Object> c = container(ds);
    PortolanConfig settings = settings(ds);
    assertFalse(settings.cluster().enabled(), ds + ": an agent is no member of the hubs' cluster");
    Map<String, String> env = environment(ds, c);
    for (String variable : DeployFiles.CLUSTER_ENVIRONMENT) {
      assertFalse(
          env.containsKey(variable),
          ds
              + ": no "
              + variable
              + " (an agent joins no cluster: no --cluster-host, --join,"
              + " --kubernetes-dns, cluster ports)");
    }
    for (String arg : strings(c, "args")) {
      assertFalse(
          List.of("--cluster", "--cluster-host", "--join", "--kubernetes-dns", "--bus-port")
              .contains(arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg),
          ds + ": no cluster option " + arg);
    }
    assertEquals(
        Map.of("http", settings.httpPort(), "metrics", settings.metricsPort().port()),
        containerPorts(c),
        ds + ": the agent declares its HTTP port (probes), its metrics port and no cluster port");
    assertNotNull(
        settings.metricsPort().tokenFile(),
        ds + ": the agent's metrics port asks for a token (PORTOLAN_METRICS_TOKEN)");

    Doc bridge = bridgeService();
    Map<String, Object> spec = map(bridge.body(), "spec");
    String dns = bridge.name() + "." + NAMESPACE + ".svc.cluster.local";
    int port = settings(hubs()).bridge().port();
    assertEquals(
        List.of(dns + ":" + port),
        settings.bridge().hubs().stream().map(Object::toString).toList(),
        ds + ": PORTOLAN_HUB names the bridge Service on the hubs' bridge port");
    assertEquals(
        "None",
        spec.get("clusterIP"),
        bridge
            + " is headless: its name resolves to every hub, which an agent takes as several"
            + " hubs (spread and failover)");
    assertNotEquals(
        Boolean.TRUE,
        spec.get("publishNotReadyAddresses"),
        bridge + ": agents are sent to ready hubs only");
    Map<String, String> selector = labels(map(spec, "selector"));
    assertTrue(selects(selector, podLabels(hubs())), bridge + " selects the hubs");
    assertFalse(selects(selector, podLabels(agents())), bridge + " does not select the agents");
    List<Map<String, Object>> ports = maps(spec, "ports");
    assertEquals(1, ports.size(), bridge + ": one port, the bridge's");
    assertEquals(port, ((Number) ports.getFirst().get("port")).intValue(), bridge + ": port");
    assertEquals(
        port,
        resolvePort(
            ports.getFirst().getOrDefault("targetPort", port),
            containerPorts(container(hubs())),
            bridge + " -> " + hubs()),
        bridge + " targets the hubs' bridge port");
    assertEquals(
        "bridge",
        containerPorts(container(hubs())).entrySet().stream()
            .filter(e -> e.getValue() == port)
            .map(Map.Entry::getKey)
            .findFirst()
            .orElseThrow(),
        hubs() + " declares its bridge port as 'bridge'");
  }

  @Test
  void theHubsAreTwoUnprivilegedReplicas() {
    Doc hub = hubs();
    assertEquals(2, map(hub.body(), "spec").get("replicas"), "two hubs");
    Map<String, Object> pod = podSpec(hub);
    for (String host : List.of("hostNetwork", "hostPID", "hostIPC")) {
      assertNull(pod.get(host), "a hub uses no host namespace: " + host);
    }
    Map<String, Object> podSc = mapOrEmpty(pod, "securityContext");
    Map<String, Object> sc = map(container(hub), "securityContext");
    Map<String, Object> effective = new LinkedHashMap<>(podSc);
    effective.putAll(sc);
    assertEquals(Boolean.TRUE, effective.get("runAsNonRoot"), "runAsNonRoot");
    assertEquals(
        DeployDockerfileTest.imageUser(), effective.get("runAsUser"), "the image's non-root user");
    assertEquals(Boolean.FALSE, sc.get("allowPrivilegeEscalation"), "no privilege escalation");
    assertEquals(Boolean.TRUE, sc.get("readOnlyRootFilesystem"), "read-only root filesystem");
    Map<String, Object> caps = map(sc, "capabilities");
    assertEquals(List.of("ALL"), strings(caps, "drop"), "every capability dropped");
    assertTrue(strings(caps, "add").isEmpty(), "none added");
    assertEquals(
        "RuntimeDefault",
        str(map(effective, "seccompProfile"), "type"),
        "the runtime's seccomp profile");
    assertTmpIsAnEmptyDir(hub);
    assertRequestsWithinLimits(hub);

    PortolanConfig settings = settings(hub);
    assertEquals(Role.HUB, settings.role(), "PORTOLAN_ROLE=hub");
    assertFalse(settings.sampleSelf(), "a hub samples nothing (it could not, unprivileged)");
    assertEquals("0.0.0.0", settings.bind(), "the hub listens on its pod address");
    assertEquals(
        "status.podIP",
        fieldRef(container(hub), "PORTOLAN_CLUSTER_HOST"),
        "hubs advertise their pod address");
  }

  @Test
  void theNamespaceAdmitsTheAgents() {
    Map<String, String> nsLabels =
        labels(map(map(one("Namespace", NAMESPACE).body(), "metadata"), "labels"));
    assertEquals(
        "privileged",
        nsLabels.get("pod-security.kubernetes.io/enforce"),
        "host namespaces and added capabilities need the privileged Pod Security level");
  }

  @Test
  void networkPolicyKeepsTheClusterPortsToHubsAndLetsAgentsReachOnlyTheBridge() {
    PortolanConfig hub = settings(hubs());
    Set<Integer> clusterPorts = Set.of(hub.cluster().port(), hub.cluster().busPort());
    int bridge = hub.bridge().port();
    int http = hub.httpPort();
    List<Doc> policies = ofKind("NetworkPolicy");
    assertFalse(policies.isEmpty(), "a NetworkPolicy");
    boolean coversHubs = false;
    boolean clusterAdmitted = false;
    boolean nodesAdmitted = false;
    for (Doc p : policies) {
      Map<String, Object> spec = map(p.body(), "spec");
      Map<String, String> selector = labels(map(map(spec, "podSelector"), "matchLabels"));
      boolean agents = selects(selector, podLabels(agents()));
      boolean hubs = selects(selector, podLabels(hubs()));
      assertTrue(agents || hubs, p + " selects Portolan pods");
      // An agent is a hostNetwork pod: a policy on it would be one on its node's whole address
      // (which CNIs do not enforce), and it accepts no connection anyway.
      assertFalse(agents, p + ": no policy selects the hostNetwork agents");
      coversHubs |= hubs;
      assertTrue(strings(spec, "policyTypes").contains("Ingress"), p + " is an ingress policy");
      for (Map<String, Object> rule : maps(spec, "ingress")) {
        List<Map<String, Object>> ports = maps(rule, "ports");
        assertFalse(
            ports.isEmpty(),
            p + ": every rule names its ports (a rule without ports opens them all)");
        Set<Integer> rulePorts = portNumbers(rule);
        List<Map<String, Object>> from = maps(rule, "from");
        if (rulePorts.stream().anyMatch(clusterPorts::contains)) {
          assertEquals(
              clusterPorts,
              rulePorts,
              p + ": cluster ports are admitted together, and apart from the rest");
          assertFalse(from.isEmpty(), p + ": the cluster ports are not open to everyone");
          for (Map<String, Object> peer : from) {
            assertNull(peer.get("namespaceSelector"), p + ": only this namespace's pods");
            assertNull(
                peer.get("ipBlock"),
                p + ": the cluster ports are hub to hub: not from node addresses (the agents)");
            Map<String, String> peers = labels(map(map(peer, "podSelector"), "matchLabels"));
            assertTrue(
                selects(peers, podLabels(hubs())),
                p + ": the hubs reach each other's cluster ports: " + peers);
            assertFalse(
                selects(peers, podLabels(agents())),
                p + ": the agents do not reach the cluster ports: " + peers);
            assertTrue(
                peers.entrySet().containsAll(PART_OF.entrySet()),
                p + ": only Portolan pods: " + peers);
          }
          clusterAdmitted = true;
        } else if (rulePorts.contains(bridge)) {
          assertEquals(Set.of(bridge), rulePorts, p + ": the bridge port is admitted apart");
          assertFalse(from.isEmpty(), p + ": the bridge port is not open to everyone");
          for (Map<String, Object> peer : from) {
            assertNull(peer.get("namespaceSelector"), p + ": no other namespace");
            assertNull(peer.get("podSelector"), p + ": agents come from node addresses");
            // Agents are hostNetwork pods: their connections come from node addresses, not pod
            // ones.
            String cidr = str(map(peer, "ipBlock"), "cidr");
            assertNotEquals("0.0.0.0/0", cidr, p + ": not from everywhere");
            assertNotEquals("::/0", cidr, p + ": not from everywhere");
            nodesAdmitted = true;
          }
        } else {
          assertEquals(Set.of(http), rulePorts, p + ": the only other port is HTTP");
        }
      }
    }
    assertTrue(coversHubs, "the policies select the hubs");
    Map<String, Object> main = map(one("NetworkPolicy", "portolan-cluster").body(), "spec");
    assertTrue(
        maps(main, "ingress").stream()
            .anyMatch(r -> maps(r, "from").isEmpty() && portNumbers(r).contains(http)),
        "the HTTP port is open");
    assertTrue(clusterAdmitted, "the cluster ports are admitted from the other hubs");
    assertTrue(nodesAdmitted, "hubs admit the nodes' addresses (hostNetwork agents) on the bridge");
    // what the hubs listen on is what the policies speak of: nothing else is left open by mistake
    assertEquals(
        Set.copyOf(DeployFiles.ports(hub).values()),
        new TreeSet<>(Set.of(http, bridge, hub.cluster().port(), hub.cluster().busPort())),
        "the hubs' ports are HTTP, the bridge and the two cluster ports");
  }

  @Test
  void theImageIsTheComposeImage() throws Exception {
    Map<String, Object> services = map(DeployFiles.compose(), "services");
    for (String service : services.keySet()) {
      assertEquals(
          IMAGE,
          str(DeployFiles.asMap(services.get(service), service), "image"),
          "compose service " + service + " runs the image k8s/ runs");
    }
  }

  @Test
  void theReadmeNamesEveryManifest() throws Exception {
    String readme = java.nio.file.Files.readString(DeployFiles.root().resolve("k8s/README.md"));
    try (var files = java.nio.file.Files.list(DeployFiles.root().resolve("k8s"))) {
      for (String f :
          files
              .map(x -> x.getFileName().toString())
              .filter(n -> n.endsWith(".yaml"))
              .sorted()
              .toList()) {
        assertTrue(readme.contains("`" + f + "`"), "k8s/README.md explains " + f);
      }
    }
    if (readme.isBlank()) {
      fail("k8s/README.md is empty");
    }
  }

  @Test
  void theHubRequiresLoggingInWithUsersFromASecret() throws Exception {
    for (Doc w : workloads()) {
      Map<String, String> env = new LinkedHashMap<>();
      for (Map<String, Object> e : maps(container(w), "env")) {
        if (e.get("value") != null) {
          env.put(str(e, "name"), String.valueOf(e.get("value")));
        }
      }
      PortolanConfig settings = settings(w);
      if (!settings.role().serves()) {
        continue; // an agent serves only /health and /metrics, on 127.0.0.1
      }
      assertFalse(settings.insecure(), w + ": not --insecure");
      String users = env.get("PORTOLAN_USERS");
      assertNotNull(
          users, w + ": bound to " + settings.bind() + ", it requires logging in (PORTOLAN_USERS)");
      java.nio.file.Path file = java.nio.file.Path.of(users);
      Map<String, Object> mount =
          maps(container(w), "volumeMounts").stream()
              .filter(m -> file.getParent().toString().equals(m.get("mountPath")))
              .findFirst()
              .orElse(null);
      assertNotNull(mount, w + ": " + file + " is in a mounted volume");
      assertEquals(Boolean.TRUE, mount.get("readOnly"), w + ": mounted read-only");
      Map<String, Object> volume =
          maps(podSpec(w), "volumes").stream()
              .filter(v -> mount.get("name").equals(v.get("name")))
              .findFirst()
              .orElse(null);
      assertNotNull(volume, w + " declares volume " + mount.get("name"));
      String secret = str(map(volume, "secret"), "secretName");
      String readme = java.nio.file.Files.readString(DeployFiles.root().resolve("k8s/README.md"));
      assertTrue(
          readme.contains("create secret generic " + secret),
          "k8s/README.md says how to make " + secret);
    }
  }

  @Test
  void everyNodeRunsTheBusOverTlsHubsFromTheirSecretAgentsFromTheirNode() throws Exception {
    Set<String> secrets = new TreeSet<>();
    boolean agentFromNode = false;
    for (Doc w : workloads()) {
      PortolanConfig settings = settings(w);
      dev.portolan.config.BusTls tls = settings.cluster().busTls();
      assertNotNull(tls, w + ": the event bus and the bridge run over TLS (PORTOLAN_BUS_TLS_*)");
      assertFalse(settings.insecure(), w + ": not --insecure");
      Map<String, Object> c = container(w);
      Map<String, Object> podSc = mapOrEmpty(podSpec(w), "securityContext");
      Map<String, Object> effective = new LinkedHashMap<>(podSc);
      effective.putAll(mapOrEmpty(c, "securityContext"));
      boolean root = Integer.valueOf(0).equals(effective.get("runAsUser"));
      for (java.nio.file.Path file : List.of(tls.cert(), tls.key(), tls.ca())) {
        Map<String, Object> mount =
            maps(c, "volumeMounts").stream()
                .filter(m -> file.getParent().toString().equals(m.get("mountPath")))
                .findFirst()
                .orElse(null);
        assertNotNull(mount, w + ": " + file + " is in a mounted volume");
        assertEquals(Boolean.TRUE, mount.get("readOnly"), w + ": mounted read-only");
        Map<String, Object> volume =
            maps(podSpec(w), "volumes").stream()
                .filter(v -> mount.get("name").equals(v.get("name")))
                .findFirst()
                .orElse(null);
        assertNotNull(volume, w + " declares volume " + mount.get("name"));
        assertTrue(
            Set.of("tls.crt", "tls.key", "ca.crt").contains(file.getFileName().toString()),
            w
                + ": "
                + file
                + " is a key of a TLS Secret as cert-manager writes it (tls.crt, tls.key, ca.crt)");
        if (settings.role() == Role.AGENT) {
          // One certificate per node, whose CN is the node's name (the bridge lets an agent speak
          // only for that name): a DaemonSet mounts one Secret on every node, so the files come
          // from the node itself, where only that node's key is.
          assertNull(
              volume.get("secret"),
              w + ": not a Secret (the same on every node, whose CN could match one node only)");
          Map<String, Object> hostPath = map(volume, "hostPath");
          assertEquals(
              file.getParent().toString(),
              str(hostPath, "path"),
              w + ": the node's own directory, at the same path");
          assertEquals(
              "Directory",
              str(hostPath, "type"),
              w + ": the directory must exist (no empty directory made in its place)");
          assertTrue(root, w + ": root reads the node's 0400 key");
          assertEquals(
              "spec.nodeName",
              fieldRef(c, "PORTOLAN_NODE_NAME"),
              w + ": the node name (the certificate's CN) is the node's");
          agentFromNode = true;
          continue;
        }
        Map<String, Object> secret = map(volume, "secret");
        secrets.add(str(secret, "secretName"));
        assertEquals(
            "portolan-bus-tls-" + settings.role().wireName(),
            str(secret, "secretName"),
            w + ": the bus certificate of its role (hub)");
        int mode = ((Number) secret.get("defaultMode")).intValue();
        assertEquals(
            0,
            mode & 0007,
            w + ": the key is not readable by others: " + Integer.toOctalString(mode));
        boolean byGroup =
            (mode & 0040) != 0
                && podSc.get("fsGroup") != null
                && podSc.get("fsGroup").equals(effective.get("runAsGroup"));
        assertTrue(
            root || byGroup,
            w + ": its user can read the files (root, or the Secret's group through fsGroup)");
      }
    }
    assertEquals(Set.of("portolan-bus-tls-hub"), secrets, "one Secret, the hubs': " + secrets);
    assertTrue(agentFromNode, "the agents read their node's certificate");
    assertTrue(
        ofKind("Secret").isEmpty(),
        "the repository holds no Secret (no private key): it is made at install");
    try (var files = java.nio.file.Files.walk(DeployFiles.root().resolve("k8s"))) {
      for (java.nio.file.Path f : files.filter(java.nio.file.Files::isRegularFile).toList()) {
        String text = java.nio.file.Files.readString(f);
        assertFalse(
            text.contains("-----BEGIN") && text.contains("PRIVATE KEY-----"),
            f + " holds no private key");
      }
    }
    String readme = java.nio.file.Files.readString(DeployFiles.root().resolve("k8s/README.md"));
    for (String secret : secrets) {
      assertTrue(
          readme.contains("create secret generic " + secret),
          "k8s/README.md says how to make " + secret);
    }
    assertTrue(
        readme.contains("/etc/portolan/bus-tls") && readme.contains("kubectl get nodes"),
        "k8s/README.md says how to put each node's certificate (CN = its name) on the node");
  }
}
