package dev.portolan.cli;

import dev.portolan.service.ServiceNames;
import dev.portolan.socket.Protocol;
import dev.portolan.why.PortSockets;
import dev.portolan.why.ThisHost;
import dev.portolan.why.WhyAnswer;
import java.io.IOException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code why} answered for this host in-process, with the node's own domain code ({@link ThisHost}:
 * the port's sockets read now, the owner index, a connection attempt made by this process), in
 * {@code GET /api/v1/why}'s JSON shape. Used when no node answers and no {@code --server} was
 * given.
 */
final class LocalWhy {
  /** The API's default wait for a connection, and its bounds. */
  private static final long DEFAULT_TIMEOUT_MILLIS = 3_000;

  private final String node = EmbeddedSource.hostName();

  String where() {
    return "this host (" + node + ", read in-process)";
  }

  /** The answer to the API's query {@code query} (kind, proto, port, address, host, ...). */
  Map<String, Object> answer(Map<String, String> query) {
    String asked = query.get("node");
    if (asked != null && !asked.equals(node)) {
      throw new CliException(
          CliException.UNREACHABLE,
          "no node is reachable, and this host is " + node + ", not " + asked);
    }
    int port = Integer.parseInt(query.get("port"));
    WhyAnswer answer;
    try {
      ThisHost here = new ThisHost(node, PortSockets.ofThisHost());
      answer =
          switch (query.get("kind")) {
            case "bind" -> here.bind(proto(query), port, query.get("address"));
            case "port" ->
                here.port(proto(query), port, ServiceNames.create().name(proto(query), port));
            default -> here.connect(query.get("host"), port, timeout(query));
          };
    } catch (UnknownHostException e) {
      throw new CliException(
          CliException.USAGE, "unknown host '" + query.get("host") + "': it does not resolve");
    } catch (IOException e) {
      throw new CliException(
          CliException.FAILED, "cannot read this host's sockets: " + e.getMessage());
    }
    return json(answer);
  }

  private static Protocol proto(Map<String, String> query) {
    return Protocol.fromWire(query.getOrDefault("proto", "tcp"));
  }

  private static Duration timeout(Map<String, String> query) {
    String text = query.get("timeoutMillis");
    long millis;
    try {
      millis = text == null ? DEFAULT_TIMEOUT_MILLIS : Long.parseLong(text);
    } catch (NumberFormatException e) {
      millis = -1;
    }
    if (millis < 100 || millis > 30_000) {
      throw new CliException(CliException.USAGE, "--timeout must be from 100 to 30000 ms");
    }
    return Duration.ofMillis(millis);
  }

  /** {@code answer} as the API writes it (a pid of 0, the kernel, as null). */
  static Map<String, Object> json(WhyAnswer answer) {
    List<Object> findings = new ArrayList<>();
    for (WhyAnswer.Finding f : answer.findings()) {
      Map<String, Object> j = new LinkedHashMap<>();
      j.put("code", f.code());
      j.put("severity", f.severity().wireName());
      j.put("sentence", f.sentence());
      findings.add(j);
    }
    List<Object> evidence = new ArrayList<>();
    for (WhyAnswer.Evidence e : answer.evidence()) {
      Map<String, Object> j = new LinkedHashMap<>();
      j.put("role", e.role());
      j.put("pid", e.pid() == 0 ? null : (long) e.pid());
      j.put("process", e.process());
      j.put("user", e.user());
      j.put("local", e.local());
      j.put("remote", e.remote());
      j.put("state", e.state());
      j.put("netns", e.namespace());
      j.put("sockets", (long) e.sockets());
      evidence.add(j);
    }
    Map<String, Object> j = new LinkedHashMap<>();
    j.put("kind", answer.kind());
    j.put("subject", answer.subject());
    j.put("node", answer.node());
    j.put("verdict", answer.verdict());
    j.put("problem", answer.problem());
    j.put("sentence", answer.sentence());
    j.put("findings", findings);
    j.put("evidence", evidence);
    return j;
  }
}
