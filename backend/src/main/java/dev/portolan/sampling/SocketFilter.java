package dev.portolan.sampling;

import dev.portolan.http.InvalidQueryException;
import dev.portolan.http.QueryValues;
import dev.portolan.owner.OwnerStatus;
import dev.portolan.owner.ProcessInfo;
import dev.portolan.socket.Family;
import dev.portolan.socket.Protocol;
import dev.portolan.socket.SocketEntry;
import dev.portolan.socket.SocketState;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The {@code /api/v1/sockets} and {@code /api/v1/events} filters, the {@code ss -tuxanp}
 * equivalents: {@code node}, {@code proto} (tcp, udp, unix, tcp4, tcp6, udp4, udp6, inet, inet6),
 * {@code state} (listen, established, time-wait... comma-separated), {@code listening}, {@code
 * port} (local or remote), {@code local-port}, {@code remote-port}, {@code pid}, {@code q} (text in
 * process, user, cmdline, address or path), {@code netns} (a network namespace's inode), {@code
 * container} (a container's name, or its id or a prefix of it of at least 4 characters) and {@code
 * pod} (a pod's name, {@code NAMESPACE/NAME} or uid). A null field means "any".
 */
public record SocketFilter(
    String node,
    Set<ProtocolChoice> protocols,
    Set<SocketState> states,
    Boolean listening,
    Integer port,
    Integer localPort,
    Integer remotePort,
    Integer pid,
    String text,
    Long netns,
    String container,
    String pod) {

  public static final SocketFilter ALL =
      new SocketFilter(null, null, null, null, null, null, null, null, null, null, null, null);
  public static final Set<String> PARAMETERS =
      Set.of(
          "node",
          "proto",
          "state",
          "listening",
          "port",
          "local-port",
          "remote-port",
          "pid",
          "q",
          "netns",
          "container",
          "pod");

  /** Without the namespace filters. */
  public SocketFilter(
      String node,
      Set<ProtocolChoice> protocols,
      Set<SocketState> states,
      Boolean listening,
      Integer port,
      Integer localPort,
      Integer remotePort,
      Integer pid,
      String text) {
    this(
        node,
        protocols,
        states,
        listening,
        port,
        localPort,
        remotePort,
        pid,
        text,
        null,
        null,
        null);
  }

  private static final int MAX_TEXT = 200;

  /** A protocol, optionally narrowed to one family ("tcp6" = TCP over IPv6). */
  public record ProtocolChoice(Protocol proto, Family family) {
    boolean matches(SocketEntry e) {
      return (proto == null || e.proto() == proto) && (family == null || e.family() == family);
    }
  }

  /** The same filter narrowed to one node (null: any node). */
  public SocketFilter withNode(String name) {
    return new SocketFilter(
        name,
        protocols,
        states,
        listening,
        port,
        localPort,
        remotePort,
        pid,
        text,
        netns,
        container,
        pod);
  }

  /**
   * Parses the filter parameters; other names in {@code params} are ignored here (see {@link
   * #rejectUnknown}).
   */
  public static SocketFilter parse(Map<String, List<String>> params) {
    String node = QueryValues.single(params, "node");
    if (node != null && node.isBlank()) {
      node = null;
    }
    Set<ProtocolChoice> protos = parseProtocols(QueryValues.single(params, "proto"));
    Set<SocketState> states = parseStates(QueryValues.single(params, "state"));
    String listeningValue = QueryValues.single(params, "listening");
    Boolean listening =
        blank(listeningValue) ? null : QueryValues.bool("listening", listeningValue);
    Integer port = optionalPort(params, "port");
    Integer localPort = optionalPort(params, "local-port");
    Integer remotePort = optionalPort(params, "remote-port");
    String pidValue = QueryValues.single(params, "pid");
    Integer pid = blank(pidValue) ? null : QueryValues.pid(pidValue);
    String text = QueryValues.single(params, "q");
    if (text != null) {
      text = text.trim();
      if (text.length() > MAX_TEXT) {
        throw new InvalidQueryException(
            "invalid q", "the search text may be at most " + MAX_TEXT + " characters");
      }
      text = text.isEmpty() ? null : text.toLowerCase(Locale.ROOT);
      if (text != null) {
        AddressBlock.check(text);
      }
    }
    return new SocketFilter(
        node,
        protos,
        states,
        listening,
        port,
        localPort,
        remotePort,
        pid,
        text,
        NamespaceFilters.netns(QueryValues.single(params, "netns")),
        NamespaceFilters.name("container", QueryValues.single(params, "container")),
        NamespaceFilters.name("pod", QueryValues.single(params, "pod")));
  }

  /** The filter parameters plus {@code extra}: what an endpoint that filters sockets accepts. */
  public static Set<String> parametersAnd(String... extra) {
    Set<String> all = new java.util.HashSet<>(PARAMETERS);
    all.addAll(List.of(extra));
    return all;
  }

  /**
   * Throws for a parameter name that is neither a filter nor in {@code extra}: a typo should not
   * match everything.
   */
  public static void rejectUnknown(Map<String, List<String>> params, Set<String> extra) {
    QueryValues.rejectUnknown(params, parametersAnd(extra.toArray(String[]::new)));
  }

  public boolean matches(String socketNode, OwnedSocket row) {
    if (node != null && !node.equals(socketNode)) {
      return false;
    }
    SocketEntry e = row.socket();
    if (protocols != null && protocols.stream().noneMatch(p -> p.matches(e))) {
      return false;
    }
    if (states != null && !states.contains(e.state())) {
      return false;
    }
    if (listening != null && listening != e.isListening()) {
      return false;
    }
    if (port != null && e.localPort() != port && e.remotePort() != port) {
      return false;
    }
    if (localPort != null && e.localPort() != localPort) {
      return false;
    }
    if (remotePort != null && e.remotePort() != remotePort) {
      return false;
    }
    if (pid != null && (row.owner().status() != OwnerStatus.PROCESS || row.owner().pid() != pid)) {
      return false;
    }
    if (netns != null && row.netnsInode() != netns) {
      return false;
    }
    if (container != null && !NamespaceFilters.isContainer(row, container)) {
      return false;
    }
    if (pod != null && !NamespaceFilters.isPod(row, pod)) {
      return false;
    }
    return text == null || matchesText(row);
  }

  private boolean matchesText(OwnedSocket row) {
    SocketEntry e = row.socket();
    AddressBlock block = AddressBlock.of(text);
    if (block != null) {
      return block.contains(e.localAddress()) || block.contains(e.remoteAddress());
    }
    if (contains(e.localAddress())
        || contains(e.remoteAddress())
        || contains(e.path())
        || contains(SocketEntry.hostPort(e.localAddress(), e.localPort()))
        || contains(SocketEntry.hostPort(e.remoteAddress(), e.remotePort()))) {
      return true;
    }
    ProcessInfo p = row.owner().process();
    return p != null
        && (contains(p.name())
            || contains(p.user())
            || contains(p.cmdline())
            || contains(p.unit())
            || contains(p.container())
            || contains(Integer.toString(p.pid())));
  }

  private boolean contains(String haystack) {
    return haystack != null && haystack.toLowerCase(Locale.ROOT).contains(text);
  }

  private static Integer optionalPort(Map<String, List<String>> params, String name) {
    String v = QueryValues.single(params, name);
    return blank(v) ? null : QueryValues.port(name, v);
  }

  private static boolean blank(String v) {
    return v == null || v.isBlank();
  }

  static Set<ProtocolChoice> parseProtocols(String value) {
    if (blank(value)) {
      return null;
    }
    Set<ProtocolChoice> out = new java.util.LinkedHashSet<>();
    for (String word : commaWords(value)) {
      switch (word) {
        case "tcp" -> out.add(new ProtocolChoice(Protocol.TCP, null));
        case "udp" -> out.add(new ProtocolChoice(Protocol.UDP, null));
        case "unix" -> out.add(new ProtocolChoice(Protocol.UNIX, null));
        case "tcp4" -> out.add(new ProtocolChoice(Protocol.TCP, Family.IPV4));
        case "tcp6" -> out.add(new ProtocolChoice(Protocol.TCP, Family.IPV6));
        case "udp4" -> out.add(new ProtocolChoice(Protocol.UDP, Family.IPV4));
        case "udp6" -> out.add(new ProtocolChoice(Protocol.UDP, Family.IPV6));
        case "inet", "inet4", "ipv4" -> out.add(new ProtocolChoice(null, Family.IPV4));
        case "inet6", "ipv6" -> out.add(new ProtocolChoice(null, Family.IPV6));
        default ->
            throw new InvalidQueryException(
                "invalid proto",
                "unknown protocol "
                    + QueryValues.echo(word)
                    + "; use tcp, udp, unix, tcp4, tcp6, udp4, udp6, inet or inet6, comma-separated");
      }
    }
    return out;
  }

  static Set<SocketState> parseStates(String value) {
    if (blank(value)) {
      return null;
    }
    Set<SocketState> out = EnumSet.noneOf(SocketState.class);
    for (String word : commaWords(value)) {
      switch (word) {
        case "connected" -> {
          out.addAll(
              EnumSet.complementOf(
                  EnumSet.of(SocketState.LISTEN, SocketState.CLOSE, SocketState.SYN_RECV)));
        }
        case "all" -> out.addAll(EnumSet.allOf(SocketState.class));
        default -> {
          try {
            out.add(SocketState.parse(word));
          } catch (IllegalArgumentException ex) {
            throw new InvalidQueryException(
                "invalid state",
                "unknown state "
                    + QueryValues.echo(word)
                    + "; use listen, established, syn-sent, syn-recv, fin-wait-1, fin-wait-2, time-wait, closed,"
                    + " close-wait, last-ack, closing, connected or all, comma-separated");
          }
        }
      }
    }
    return out;
  }

  private static List<String> commaWords(String value) {
    List<String> words = new java.util.ArrayList<>();
    for (String w : value.split(",", 32)) {
      String t = w.trim().toLowerCase(Locale.ROOT);
      if (!t.isEmpty()) {
        words.add(t);
      }
    }
    if (words.isEmpty() || words.size() > 31) {
      throw new InvalidQueryException(
          "invalid list", "give one to 31 comma-separated values, got " + QueryValues.echo(value));
    }
    return words;
  }
}
