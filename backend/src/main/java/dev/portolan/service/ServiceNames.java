package dev.portolan.service;

import dev.portolan.socket.Protocol;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Well-known service names by protocol and port: {@code /etc/services} where the node has it, else
 * (and for anything it lacks) a built-in table of the common ones.
 */
public final class ServiceNames {
  private static final Map<Long, String> BUILT_IN = new HashMap<>();

  static {
    builtIn(20, "ftp-data");
    builtIn(21, "ftp");
    builtIn(22, "ssh");
    builtIn(23, "telnet");
    builtIn(25, "smtp");
    builtIn(53, "domain");
    builtIn(80, "http");
    builtIn(110, "pop3");
    builtIn(111, "sunrpc");
    builtIn(143, "imap2");
    builtIn(389, "ldap");
    builtIn(443, "https");
    builtIn(465, "submissions");
    builtIn(514, "shell");
    builtIn(587, "submission");
    builtIn(636, "ldaps");
    builtIn(873, "rsync");
    builtIn(993, "imaps");
    builtIn(995, "pop3s");
    builtIn(1433, "ms-sql-s");
    builtIn(1521, "oracle");
    builtIn(2049, "nfs");
    builtIn(2375, "docker");
    builtIn(2376, "docker-s");
    builtIn(2379, "etcd-client");
    builtIn(2380, "etcd-server");
    builtIn(3000, "http-alt");
    builtIn(3306, "mysql");
    builtIn(3389, "ms-wbt-server");
    builtIn(5432, "postgresql");
    builtIn(5672, "amqp");
    builtIn(5701, "hazelcast");
    builtIn(6379, "redis");
    builtIn(6443, "kubernetes");
    builtIn(8080, "http-alt");
    builtIn(8443, "https-alt");
    builtIn(9090, "prometheus");
    builtIn(9092, "kafka");
    builtIn(9200, "elasticsearch");
    builtIn(10250, "kubelet");
    builtIn(11211, "memcached");
    builtIn(27017, "mongodb");
    BUILT_IN.put(key(Protocol.UDP, 53), "domain");
    BUILT_IN.put(key(Protocol.UDP, 67), "bootps");
    BUILT_IN.put(key(Protocol.UDP, 68), "bootpc");
    BUILT_IN.put(key(Protocol.UDP, 123), "ntp");
    BUILT_IN.put(key(Protocol.UDP, 161), "snmp");
    BUILT_IN.put(key(Protocol.UDP, 514), "syslog");
    BUILT_IN.put(key(Protocol.UDP, 5353), "mdns");
  }

  private final Map<Long, String> names;

  private ServiceNames(Map<Long, String> names) {
    this.names = names;
  }

  /** Reads {@code /etc/services}; a missing or unreadable file leaves the built-in table. */
  public static ServiceNames create() {
    return create(Path.of("/etc/services"));
  }

  public static ServiceNames create(Path servicesFile) {
    Map<Long, String> names = new HashMap<>(BUILT_IN);
    try {
      parse(Files.readString(servicesFile, StandardCharsets.ISO_8859_1), names);
    } catch (IOException | RuntimeException e) {
      // No file (containers often lack it): the built-in table answers alone.
    }
    return new ServiceNames(Map.copyOf(names));
  }

  public static ServiceNames builtInOnly() {
    return new ServiceNames(Map.copyOf(BUILT_IN));
  }

  /** The name of {@code proto}/{@code port}, or null. */
  public String name(Protocol proto, int port) {
    return names.get(key(proto, port));
  }

  /**
   * "name port/proto alias... # comment" lines; the file's own names win over the built-in ones.
   */
  static void parse(String text, Map<Long, String> into) {
    for (String raw : text.split("\n")) {
      int hash = raw.indexOf('#');
      String line = (hash >= 0 ? raw.substring(0, hash) : raw).trim();
      if (line.isEmpty()) {
        continue;
      }
      String[] parts = line.split("\\s+");
      if (parts.length < 2) {
        continue;
      }
      int slash = parts[1].indexOf('/');
      if (slash <= 0) {
        continue;
      }
      Protocol proto =
          switch (parts[1].substring(slash + 1)) {
            case "tcp" -> Protocol.TCP;
            case "udp" -> Protocol.UDP;
            default -> null;
          };
      if (proto == null) {
        continue;
      }
      try {
        int port = Integer.parseInt(parts[1].substring(0, slash));
        if (port >= 0 && port <= 65535) {
          into.put(key(proto, port), parts[0]);
        }
      } catch (NumberFormatException ignored) {
        // not a port line
      }
    }
  }

  private static void builtIn(int port, String name) {
    BUILT_IN.put(key(Protocol.TCP, port), name);
  }

  private static long key(Protocol proto, int port) {
    return ((long) proto.ordinal() << 32) | port;
  }
}
