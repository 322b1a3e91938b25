package dev.portolan.config;

import dev.portolan.access.HttpAccess;
import dev.portolan.config.Setting.Kind;
import dev.portolan.limit.ConnectionSettings;
import dev.portolan.limit.Rate;
import dev.portolan.limit.RateLimitSettings;
import dev.portolan.netns.NodeNamespaces;
import dev.portolan.scan.policy.Cidr;
import dev.portolan.scan.policy.ScanPolicySettings;
import dev.portolan.socket.SocketReaders;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every setting of a node, each declared once ({@link Setting}): the command line's options, the
 * environment variables, the config file's keys, {@code --help} and the README's options table are
 * all made from {@link #ALL}. The limits a value must keep are the parsers' (here, or the settings
 * record's own for {@link ScanPolicySettings}, {@link RateLimitSettings} and {@link
 * ConnectionSettings}).
 */
public final class Settings {
  private Settings() {}

  public static final Setting<Integer> HTTP_PORT =
      new Setting<>(
          "httpPort",
          "--http-port",
          "PORTOLAN_HTTP_PORT",
          "PORT",
          Kind.VALUE,
          "`7070`",
          7070,
          "HTTP port (0 picks a free one)",
          wholeNumber("httpPort", 0, 65535));
  public static final Setting<String> BIND =
      new Setting<>(
          "bind",
          "--bind",
          "PORTOLAN_BIND",
          "ADDRESS",
          Kind.VALUE,
          "`127.0.0.1`",
          "127.0.0.1",
          "address to listen on; beyond loopback, `--users` or `--insecure` is required"
              + " ([Security](#security))",
          matching(
              "[0-9A-Za-z.:\\-\\[\\]%]+",
              "invalid bind address '%s': give an IP address or host name"));
  public static final Setting<Duration> INTERVAL =
      new Setting<>(
          "interval",
          "--interval",
          "PORTOLAN_INTERVAL",
          "DURATION",
          Kind.VALUE,
          "`1s`",
          Duration.ofSeconds(1),
          "sampling interval, `100ms` to `60s`",
          v -> PortolanConfig.parseDuration(v.toString()));

  /** No default of its own: the host name ({@link PortolanConfig#hostName()}). */
  public static final Setting<String> NODE_NAME =
      new Setting<>(
          "nodeName",
          "--node-name",
          "PORTOLAN_NODE_NAME",
          "NAME",
          Kind.VALUE,
          "the host name",
          null,
          "this node's name in every answer",
          v -> {
            String name = v.toString().trim();
            if (name.isBlank() || name.length() > 253 || !name.matches("[A-Za-z0-9._\\-]+")) {
              throw new PortolanConfig.InvalidConfigException(
                  "invalid node name '"
                      + name
                      + "': use letters, digits, '.', '-' and '_' (at most 253)");
            }
            return name;
          });

  public static final Setting<Integer> HISTORY_SIZE =
      new Setting<>(
          "historySize",
          null,
          "PORTOLAN_HISTORY_SIZE",
          "N",
          Kind.VALUE,
          "`10000`",
          10_000,
          "change events kept for feeds to resume from (`Last-Event-ID`), `100` to" + " `1000000`",
          wholeNumber("historySize", 100, 1_000_000));
  public static final Setting<List<Cidr>> SCAN_ALLOW =
      new Setting<>(
          ScanPolicySettings.ALLOW,
          "--scan-allow",
          "PORTOLAN_SCAN_ALLOW",
          "CIDRS",
          Kind.VALUE,
          "none",
          List.of(),
          "scan targets allowed besides loopback and the"
              + " node's own addresses, e.g. `10.0.0.0/8,fd00::/64`",
          ScanPolicySettings::parseAllow);
  public static final Setting<Integer> SCAN_MAX_PORTS =
      scanCap(
          ScanPolicySettings.MAX_PORTS,
          "PORTOLAN_SCAN_MAX_PORTS",
          ScanPolicySettings.DEFAULT_MAX_PORTS,
          "`65535`",
          "ports per scan");
  public static final Setting<Integer> SCAN_MAX_HOSTS =
      scanCap(
          ScanPolicySettings.MAX_HOSTS,
          "PORTOLAN_SCAN_MAX_HOSTS",
          ScanPolicySettings.DEFAULT_MAX_HOSTS,
          "`256`",
          "addresses per scan (a CIDR block larger than this is refused)");
  public static final Setting<Integer> SCAN_MAX_RATE =
      scanCap(
          ScanPolicySettings.MAX_RATE,
          "PORTOLAN_SCAN_MAX_RATE",
          ScanPolicySettings.DEFAULT_MAX_RATE,
          "`100000`",
          "probes per second per scan (presets may go lower)");
  public static final Setting<Integer> SCAN_MAX_OPEN_SOCKETS =
      scanCap(
          ScanPolicySettings.MAX_OPEN_SOCKETS,
          "PORTOLAN_SCAN_MAX_OPEN_SOCKETS",
          ScanPolicySettings.DEFAULT_MAX_OPEN_SOCKETS,
          "`4096`",
          "sockets a scan holds open at once (also kept within the free file descriptors)");
  public static final Setting<Integer> SCAN_MAX_CONCURRENT =
      scanCap(
          ScanPolicySettings.MAX_CONCURRENT,
          "PORTOLAN_SCAN_MAX_CONCURRENT",
          ScanPolicySettings.DEFAULT_MAX_CONCURRENT,
          "`4`",
          "scans running at once on the node");
  public static final Setting<Rate> SCAN_RATE =
      new Setting<>(
          RateLimitSettings.SCAN_RATE,
          "--scan-rate",
          "PORTOLAN_SCAN_RATE",
          "RATE",
          Kind.VALUE,
          "`10/min`",
          Rate.parse(RateLimitSettings.DEFAULT_SCAN_RATE),
          "scans each user may start (`POST /api/v1/scans`, the scan and exposure forms), like `10/min`, `2/s`, `600/h`,"
              + " or `off` ([Audit log and limits](#audit-log-and-limits))",
          v -> RateLimitSettings.fromConfig(Map.of(RateLimitSettings.SCAN_RATE, v)).scanRate());
  public static final Setting<Integer> SCAN_BURST =
      new Setting<>(
          RateLimitSettings.SCAN_BURST,
          null,
          "PORTOLAN_SCAN_BURST",
          "N",
          Kind.VALUE,
          "`5`",
          RateLimitSettings.DEFAULT_SCAN_BURST,
          "scans a user may start at" + " once before the rate applies",
          v -> RateLimitSettings.fromConfig(Map.of(RateLimitSettings.SCAN_BURST, v)).scanBurst());
  public static final Setting<Rate> CHECK_RATE =
      new Setting<>(
          RateLimitSettings.CHECK_RATE,
          "--check-rate",
          "PORTOLAN_CHECK_RATE",
          "RATE",
          Kind.VALUE,
          "`120/min`",
          Rate.parse(RateLimitSettings.DEFAULT_CHECK_RATE),
          "connectivity and reachability checks each user may run, like `--scan-rate`",
          v -> RateLimitSettings.fromConfig(Map.of(RateLimitSettings.CHECK_RATE, v)).checkRate());
  public static final Setting<Integer> CHECK_BURST =
      new Setting<>(
          RateLimitSettings.CHECK_BURST,
          null,
          "PORTOLAN_CHECK_BURST",
          "N",
          Kind.VALUE,
          "`30`",
          RateLimitSettings.DEFAULT_CHECK_BURST,
          "checks a user may run" + " at once before the rate applies",
          v -> RateLimitSettings.fromConfig(Map.of(RateLimitSettings.CHECK_BURST, v)).checkBurst());
  public static final Setting<Path> AUDIT_FILE =
      new Setting<>(
          PortolanConfig.AUDIT_FILE,
          "--audit-file",
          "PORTOLAN_AUDIT_FILE",
          "FILE",
          Kind.VALUE,
          "none",
          null,
          "also append every audit record to FILE, one JSON"
              + " object per line (on an agent: its own records of what hubs asked it)",
          Settings::auditFile);
  public static final Setting<Role> ROLE =
      new Setting<>(
          "role",
          "--role",
          "PORTOLAN_ROLE",
          "ROLE",
          Kind.VALUE,
          "`all`",
          Role.ALL,
          "`all`: one node with its dashboard; `agent`: sample this node for the fleet (HTTP serves"
              + " only `/health` and `/metrics`); `hub`: dashboard, API and the fleet's state",
          v -> Role.parse(v.toString().trim()));
  public static final Setting<Boolean> SAMPLE_SELF =
      new Setting<>(
          "sampleSelf",
          "--sample-self",
          "PORTOLAN_SAMPLE_SELF",
          null,
          Kind.SWITCH,
          "off",
          false,
          "a hub also samples its own node",
          bool("sampleSelf", "true or false"));
  public static final Setting<Boolean> CLUSTER =
      new Setting<>(
          "cluster",
          "--cluster",
          "PORTOLAN_CLUSTER",
          null,
          Kind.SWITCH,
          "off",
          false,
          "join the hubs' cluster (implied by `hub`; agents never join it: they use `--hub`)",
          bool("cluster", "true or false"));
  public static final Setting<String> CLUSTER_NAME =
      new Setting<>(
          "clusterName",
          "--cluster-name",
          "PORTOLAN_CLUSTER_NAME",
          "NAME",
          Kind.VALUE,
          "`portolan`",
          "portolan",
          "only members with the same name meet",
          matching(
              "[A-Za-z0-9._\\-]{1,100}",
              "invalid cluster name '%s': letters, digits, '.', '-', '_'"));
  public static final Setting<String> CLUSTER_HOST =
      new Setting<>(
          "clusterHost",
          "--cluster-host",
          "PORTOLAN_CLUSTER_HOST",
          "ADDRESS",
          Kind.VALUE,
          "`127.0.0.1`",
          "127.0.0.1",
          "address (or name) a hub's Hazelcast, event bus and bridge bind to and advertise",
          matching(
              "[0-9A-Za-z.:\\-]+", "invalid cluster host '%s': give an IP address or host name"));
  public static final Setting<Integer> CLUSTER_PORT =
      new Setting<>(
          "clusterPort",
          "--cluster-port",
          "PORTOLAN_CLUSTER_PORT",
          "PORT",
          Kind.VALUE,
          "`5701`",
          ClusterSettings.DEFAULT_PORT,
          "Hazelcast member port",
          wholeNumber("clusterPort", 1, 65535));
  public static final Setting<Integer> BUS_PORT =
      new Setting<>(
          "busPort",
          "--bus-port",
          "PORTOLAN_BUS_PORT",
          "PORT",
          Kind.VALUE,
          "`5702`",
          ClusterSettings.DEFAULT_BUS_PORT,
          "event bus port",
          wholeNumber("busPort", 0, 65535));
  public static final Setting<List<String>> JOIN =
      new Setting<>(
          "join",
          "--join",
          "PORTOLAN_JOIN",
          "HOST[:PORT]",
          Kind.LIST,
          "none",
          List.of(),
          "a member to join over TCP; repeatable (comma-separated in the environment);"
              + " multicast is never used",
          v -> List.copyOf(ClusterSettings.parseJoin(v)));
  public static final Setting<String> KUBERNETES_DNS =
      new Setting<>(
          "kubernetesDns",
          "--kubernetes-dns",
          "PORTOLAN_KUBERNETES_DNS",
          "NAME",
          Kind.VALUE,
          "none",
          null,
          "find members through a headless Service's DNS"
              + " name (Hazelcast's Kubernetes discovery)",
          v -> {
            String name = v.toString().trim();
            if (!name.isEmpty() && !name.matches("[0-9A-Za-z.\\-]+")) {
              throw new PortolanConfig.InvalidConfigException(
                  "invalid kubernetesDns '" + name + "': give the headless Service's DNS name");
            }
            return name.isEmpty() ? null : name;
          });
  public static final Setting<List<HubAddress>> HUB =
      new Setting<>(
          "hub",
          "--hub",
          "PORTOLAN_HUB",
          "HOST:PORT[,HOST:PORT...]",
          Kind.LIST,
          "none",
          List.of(),
          "an agent's hubs: it holds one connection to one of them, over their event-bus bridge"
              + " (`--bridge-port`), and moves to the next when it is lost; a name that resolves to"
              + " several addresses counts as several hubs. Required for `--role agent`"
              + " ([Fleet](#fleet))",
          v -> List.copyOf(HubAddress.parseList(v)));
  public static final Setting<Integer> BRIDGE_PORT =
      new Setting<>(
          "bridgePort",
          "--bridge-port",
          "PORTOLAN_BRIDGE_PORT",
          "PORT",
          Kind.VALUE,
          "`7071`",
          HubAddress.DEFAULT_PORT,
          "a hub's event-bus bridge for agents, on `--cluster-host` (0 picks a free one); TLS with"
              + " client certificates when the `--bus-tls-*` files are given",
          wholeNumber("bridgePort", 0, 65535));
  public static final Setting<String> BUS_TLS_CERT =
      new Setting<>(
          BusTls.CERT,
          "--bus-tls-cert",
          "PORTOLAN_BUS_TLS_CERT",
          "PEM",
          Kind.VALUE,
          "none",
          null,
          "this node's event-bus certificate (chain), with the"
              + " role it runs as (`urn:portolan:role:hub` or `:agent`); with `--bus-tls-key` and `--bus-tls-ca` the bus runs over TLS with client"
              + " certificates ([Securing the fleet](#securing-the-fleet))",
          Settings::text);
  public static final Setting<String> BUS_TLS_KEY =
      new Setting<>(
          BusTls.KEY,
          "--bus-tls-key",
          "PORTOLAN_BUS_TLS_KEY",
          "PEM",
          Kind.VALUE,
          "none",
          null,
          "its private key, unencrypted PEM (PKCS#8, or RSA/EC)",
          Settings::text);
  public static final Setting<String> BUS_TLS_CA =
      new Setting<>(
          BusTls.CA,
          "--bus-tls-ca",
          "PORTOLAN_BUS_TLS_CA",
          "PEM",
          Kind.VALUE,
          "none",
          null,
          "the CA that signs every node's bus certificate: the only peers this node accepts (on"
              + " the cluster bus, hubs; on a hub's bridge, agents; an agent accepts only hubs). All"
              + " three or none; a hub whose `--cluster-host` is not loopback, or an agent whose"
              + " `--hub` is not, refuses to start without them unless `--insecure`",
          Settings::text);
  public static final Setting<SocketReaders.Setting> SOCKET_READER =
      new Setting<>(
          "socketReader",
          "--socket-reader",
          "PORTOLAN_SOCKET_READER",
          "READER",
          Kind.VALUE,
          "`auto`",
          SocketReaders.Setting.AUTO,
          "how the socket table is"
              + " read: `netlink` (sock_diag, as `ss` does), `proc` (`/proc/net/*`), or `auto`: netlink where the kernel"
              + " allows it, else `/proc` ([How the table is read](#how-the-table-is-read))",
          v -> SocketReaders.Setting.parse(v.toString().trim()));
  public static final Setting<NodeNamespaces.Mode> NAMESPACES =
      new Setting<>(
          "namespaces",
          "--namespaces",
          "PORTOLAN_NAMESPACES",
          "auto|off",
          Kind.VALUE,
          "`auto`",
          NodeNamespaces.Mode.AUTO,
          "sample every network namespace of the node (containers, pods, `ip netns`) besides"
              + " Portolan's own: `auto` does when running as root and silently reads only its own"
              + " otherwise (`/api/v1/nodes` and `/health` say which); `off` never does"
              + " ([Network namespaces](#network-namespaces))",
          v -> NodeNamespaces.Mode.parse(v.toString().trim()));
  public static final Setting<Boolean> SHORT_LIVED =
      new Setting<>(
          "shortLived",
          "--short-lived",
          "PORTOLAN_SHORT_LIVED",
          "on|off",
          Kind.VALUE,
          "`on`",
          true,
          "report sockets that open and close between two"
              + " samples ([Short-lived sockets](#short-lived-sockets))",
          bool("shortLived", "on or off"));
  public static final Setting<Boolean> INSECURE =
      new Setting<>(
          "insecure",
          "--insecure",
          "PORTOLAN_INSECURE",
          null,
          Kind.SWITCH,
          "off",
          false,
          "run without the protections required when bound beyond loopback (authentication,"
              + " event-bus TLS); every page then shows a warning",
          bool("insecure", "true or false"));
  public static final Setting<String> USERS =
      new Setting<>(
          "users",
          "--users",
          "PORTOLAN_USERS",
          "FILE",
          Kind.VALUE,
          "none",
          null,
          "require logging in: users and roles, one `name:role:hash` per line ([Security](#security))",
          Settings::text);
  public static final Setting<String> TOKENS =
      new Setting<>(
          "tokens",
          "--tokens",
          "PORTOLAN_TOKENS",
          "FILE",
          Kind.VALUE,
          "none (in memory)",
          null,
          "keep API tokens (hashed) in this file; needs `--users`",
          Settings::text);
  public static final Setting<String> TLS_CERT =
      new Setting<>(
          "tlsCert",
          "--tls-cert",
          "PORTOLAN_TLS_CERT",
          "PEM",
          Kind.VALUE,
          "none",
          null,
          "serve HTTPS with this certificate (chain); with `--tls-key`",
          Settings::text);
  public static final Setting<String> TLS_KEY =
      new Setting<>(
          "tlsKey",
          "--tls-key",
          "PORTOLAN_TLS_KEY",
          "PEM",
          Kind.VALUE,
          "none",
          null,
          "the certificate's private key",
          Settings::text);
  public static final Setting<Duration> HTTP_HEADER_TIMEOUT =
      new Setting<>(
          ConnectionSettings.HEADER_TIMEOUT,
          "--http-header-timeout",
          "PORTOLAN_HTTP_HEADER_TIMEOUT",
          "DURATION",
          Kind.VALUE,
          "`10s`",
          ConnectionSettings.DEFAULT_HEADER_TIMEOUT,
          "close a connection that has not sent a whole request head within"
              + " this time, `1s` to `1h` ([Security](#security))",
          v ->
              ConnectionSettings.fromConfig(Map.of(ConnectionSettings.HEADER_TIMEOUT, v))
                  .headerTimeout());
  public static final Setting<Duration> HTTP_IDLE_TIMEOUT =
      new Setting<>(
          ConnectionSettings.IDLE_TIMEOUT,
          "--http-idle-timeout",
          "PORTOLAN_HTTP_IDLE_TIMEOUT",
          "DURATION",
          Kind.VALUE,
          "`60s`",
          ConnectionSettings.DEFAULT_IDLE_TIMEOUT,
          "close a connection with nothing read or written for this time, `1s`"
              + " to `1h` (feeds send a comment well within it)",
          v ->
              ConnectionSettings.fromConfig(Map.of(ConnectionSettings.IDLE_TIMEOUT, v))
                  .idleTimeout());
  public static final Setting<Integer> HTTP_MAX_CONNECTIONS =
      new Setting<>(
          ConnectionSettings.MAX_TOTAL,
          "--http-max-connections",
          "PORTOLAN_HTTP_MAX_CONNECTIONS",
          "N",
          Kind.VALUE,
          "`4096`",
          ConnectionSettings.DEFAULT_MAX_TOTAL,
          "HTTP connections held at once, SSE clients included; lowered to keep file"
              + " descriptors for the rest of the node",
          v -> ConnectionSettings.fromConfig(Map.of(ConnectionSettings.MAX_TOTAL, v)).maxTotal());

  /** Checked alone here; that it is not over the total is {@link ConnectionSettings}' own check. */
  public static final Setting<Integer> HTTP_MAX_CONNECTIONS_PER_ADDRESS =
      new Setting<>(
          ConnectionSettings.MAX_PER_ADDRESS,
          "--http-max-connections-per-address",
          "PORTOLAN_HTTP_MAX_CONNECTIONS_PER_ADDRESS",
          "N",
          Kind.VALUE,
          "`1024`",
          ConnectionSettings.DEFAULT_MAX_PER_ADDRESS,
          "HTTP connections held at once per client address",
          v ->
              ConnectionSettings.fromConfig(
                      Map.of(
                          ConnectionSettings.MAX_TOTAL, v, ConnectionSettings.MAX_PER_ADDRESS, v))
                  .maxPerAddress());

  public static final Setting<List<String>> PUBLIC_HOST =
      new Setting<>(
          "publicHost",
          "--public-host",
          "PORTOLAN_PUBLIC_HOST",
          "NAME[,NAME...]",
          Kind.VALUE,
          "none",
          List.of(),
          "names (or addresses) the dashboard"
              + " and API are reached by besides `localhost`, loopback and the node's own addresses: a proxy's or a"
              + " Service's name; a request with any other `Host` is refused ([Security](#security))",
          HttpAccess::publicHosts);
  public static final Setting<Integer> METRICS_PORT =
      new Setting<>(
          "metricsPort",
          "--metrics-port",
          "PORTOLAN_METRICS_PORT",
          "PORT",
          Kind.VALUE,
          "none",
          null,
          "also serve `/metrics` alone on this port, on every address, to requests bearing the"
              + " `--metrics-token`: how Prometheus scrapes an agent, whose 7070 is on loopback"
              + " ([Metrics](#metrics))",
          wholeNumber("metricsPort", 1, 65535));
  public static final Setting<String> METRICS_TOKEN =
      new Setting<>(
          "metricsToken",
          "--metrics-token",
          "PORTOLAN_METRICS_TOKEN",
          "FILE",
          Kind.VALUE,
          "none",
          null,
          "a file holding the bearer token `--metrics-port` asks for (`Authorization: Bearer ...`);"
              + " required with it unless `--insecure`",
          Settings::text);

  /**
   * The file the other settings may come from: not a key of its own ({@link #FILE_KEYS} are its
   * keys).
   */
  public static final Setting<Path> CONFIG =
      new Setting<>(
          "config",
          "--config",
          "PORTOLAN_CONFIG",
          "FILE",
          Kind.VALUE,
          "none",
          null,
          "JSON file with keys %s",
          v -> Path.of(v.toString()));

  /** Every setting, in the README's order. */
  public static final List<Setting<?>> ALL =
      List.of(
          HTTP_PORT,
          BIND,
          INTERVAL,
          NODE_NAME,
          HISTORY_SIZE,
          SCAN_ALLOW,
          SCAN_MAX_PORTS,
          SCAN_MAX_HOSTS,
          SCAN_MAX_RATE,
          SCAN_MAX_OPEN_SOCKETS,
          SCAN_MAX_CONCURRENT,
          SCAN_RATE,
          SCAN_BURST,
          CHECK_RATE,
          CHECK_BURST,
          AUDIT_FILE,
          ROLE,
          SAMPLE_SELF,
          CLUSTER,
          CLUSTER_NAME,
          CLUSTER_HOST,
          CLUSTER_PORT,
          BUS_PORT,
          JOIN,
          KUBERNETES_DNS,
          HUB,
          BRIDGE_PORT,
          BUS_TLS_CERT,
          BUS_TLS_KEY,
          BUS_TLS_CA,
          SOCKET_READER,
          NAMESPACES,
          SHORT_LIVED,
          INSECURE,
          USERS,
          TOKENS,
          TLS_CERT,
          TLS_KEY,
          HTTP_HEADER_TIMEOUT,
          HTTP_IDLE_TIMEOUT,
          HTTP_MAX_CONNECTIONS,
          HTTP_MAX_CONNECTIONS_PER_ADDRESS,
          PUBLIC_HOST,
          METRICS_PORT,
          METRICS_TOKEN,
          CONFIG);

  /** Config key -> setting, for every key a config file may have (all but {@link #CONFIG}). */
  public static final Map<String, Setting<?>> BY_KEY =
      ALL.stream()
          .filter(s -> s != CONFIG)
          .collect(Collectors.toMap(Setting::key, s -> s, (a, b) -> a, LinkedHashMap::new));

  /** The keys a config file may have, in order. */
  public static final List<String> FILE_KEYS = List.copyOf(BY_KEY.keySet());

  /** Environment variable -> config key (without {@link #CONFIG}, which names the file itself). */
  public static final Map<String, String> ENVIRONMENT =
      BY_KEY.values().stream().collect(Collectors.toUnmodifiableMap(Setting::env, Setting::key));

  /** What {@code s} means, in markdown: {@link #CONFIG}'s lists the file's keys. */
  public static String meaning(Setting<?> s) {
    return s == CONFIG
        ? String.format(
            s.meaning(),
            FILE_KEYS.stream().map(k -> "`" + k + "`").collect(Collectors.joining(", ")))
        : s.meaning();
  }

  /**
   * The README's options table, markdown: one row per setting, with its flag (and label), variable,
   * default and meaning.
   */
  public static String markdownTable() {
    StringBuilder out =
        new StringBuilder("| option | environment | default | meaning |\n|---|---|---|---|\n");
    for (Setting<?> s : ALL) {
      String option =
          !s.hasFlag()
              ? ""
              : "`"
                  + s.flag()
                  + (s.paramLabel() == null ? "" : " " + s.paramLabel().replace("|", "\\|"))
                  + "`";
      out.append("| ")
          .append(option)
          .append(option.isEmpty() ? "| `" : " | `")
          .append(s.env())
          .append("` | ")
          .append(s.defaultText())
          .append(" | ")
          .append(meaning(s))
          .append(" |\n");
    }
    return out.toString();
  }

  /**
   * The line {@code --help} shows for {@code s}: its meaning without markdown, its default and its
   * variable.
   */
  public static String helpText(Setting<?> s) {
    String plain =
        meaning(s)
            .replaceAll(" ?\\(\\[[^]]+]\\(#[^)]+\\)\\)", "")
            .replaceAll("\\[([^]]+)]\\(#[^)]+\\)", "$1")
            .replace("`", "");
    String dflt = s.defaultText().replace("`", "");
    return Character.toUpperCase(plain.charAt(0))
        + plain.substring(1)
        + " (default "
        + dflt
        + "; env "
        + s.env()
        + ")";
  }

  /** The nearest file key to an unknown one (a typo of it), or null when none is near. */
  public static String nearestKey(String unknown) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String key : FILE_KEYS) {
      int d = distance(unknown.toLowerCase(Locale.ROOT), key.toLowerCase(Locale.ROOT));
      if (d < bestDistance) {
        best = key;
        bestDistance = d;
      }
    }
    return bestDistance <= Math.max(2, unknown.length() / 3) ? best : null;
  }

  /** Levenshtein distance. */
  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        cur[j] =
            Math.min(
                Math.min(cur[j - 1] + 1, prev[j] + 1),
                prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  private static Setting<Integer> scanCap(
      String key, String env, int dflt, String dfltText, String meaning) {
    return new Setting<>(
        key,
        null,
        env,
        "N",
        Kind.VALUE,
        dfltText,
        dflt,
        meaning,
        v -> ScanPolicySettings.parseCap(key, v, dflt));
  }

  /** A whole number (string or JSON integer) from min to max. */
  private static Function<Object, Integer> wholeNumber(String key, int min, int max) {
    return v -> {
      long n;
      try {
        n = v instanceof Number num ? num.longValue() : Long.parseLong(v.toString().trim());
        if (v instanceof Number num && num.doubleValue() != n) {
          throw new NumberFormatException();
        }
      } catch (NumberFormatException e) {
        throw new PortolanConfig.InvalidConfigException(
            "invalid "
                + key
                + " '"
                + v
                + "': it must be a whole number from "
                + min
                + " to "
                + max);
      }
      if (n < min || n > max) {
        throw new PortolanConfig.InvalidConfigException(
            "invalid " + key + " '" + v + "': it must be from " + min + " to " + max);
      }
      return (int) n;
    };
  }

  /** A boolean (JSON true/false, or true/yes/1/on, false/no/0/off, blank). */
  private static Function<Object, Boolean> bool(String key, String expected) {
    return v -> {
      if (v instanceof Boolean b) {
        return b;
      }
      return switch (v.toString().trim().toLowerCase(Locale.ROOT)) {
        case "true", "yes", "1", "on" -> true;
        case "false", "no", "0", "off", "" -> false;
        default ->
            throw new PortolanConfig.InvalidConfigException(
                "invalid " + key + " '" + v + "': " + expected);
      };
    };
  }

  /** Trimmed text that must match {@code regex}; {@code message} has a %s for it. */
  private static Function<Object, String> matching(String regex, String message) {
    return v -> {
      String text = v.toString().trim();
      if (!text.matches(regex)) {
        throw new PortolanConfig.InvalidConfigException(String.format(message, text));
      }
      return text;
    };
  }

  /** Trimmed text; blank is none (null). */
  private static String text(Object v) {
    return v.toString().isBlank() ? null : v.toString().trim();
  }

  private static Path auditFile(Object v) {
    String audit = v.toString().trim();
    if (audit.isEmpty()) {
      return null;
    }
    Path file;
    try {
      file = Path.of(audit);
    } catch (InvalidPathException e) {
      throw new PortolanConfig.InvalidConfigException(
          "invalid " + PortolanConfig.AUDIT_FILE + " '" + audit + "': not a file path");
    }
    if (Files.isDirectory(file)) {
      throw new PortolanConfig.InvalidConfigException(
          "invalid "
              + PortolanConfig.AUDIT_FILE
              + " '"
              + audit
              + "': it is a directory; give a file");
    }
    return file;
  }
}
