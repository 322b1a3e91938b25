package dev.portolan.cli;

import dev.portolan.text.PortHolder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Answers from a node's (or a hub's) JSON API, every page of them. */
final class ServerSource implements SocketSource {
  /** Rows asked for per page: the API's default page. */
  static final int PAGE = 1000;

  private final ServerApi api;

  ServerSource(ServerApi api) {
    this.api = api;
  }

  @Override
  public String where() {
    return api.base();
  }

  @Override
  public List<SocketRow> sockets(Map<String, String> parameters) {
    List<SocketRow> rows = new ArrayList<>();
    String cursor = null;
    do {
      Map<String, String> query = new LinkedHashMap<>(parameters);
      query.put("limit", Integer.toString(PAGE));
      if (cursor != null) {
        query.put("cursor", cursor);
      }
      Map<String, Object> page = api.get("/api/v1/sockets", query);
      rows.addAll(rows(page.get("sockets")));
      cursor = page.get("nextCursor") instanceof String s && !s.isEmpty() ? s : null;
    } while (cursor != null);
    return rows;
  }

  @Override
  public List<PortHolder> portHolders(String proto, int port, String node) {
    Map<String, String> query = new LinkedHashMap<>();
    query.put("proto", proto);
    query.put("port", Integer.toString(port));
    if (node != null) {
      query.put("node", node);
    }
    // the node groups the port's sockets by holder (one readlink each): no row per socket
    return holders(proto, api.get("/api/v1/owners", query).get("owners"));
  }

  /**
   * The API's {@code owners} (one per node, namespace and holder) as holders per node: a holder in
   * several namespaces of a node is one line, as {@code fuser} prints it.
   */
  static List<PortHolder> holders(String proto, Object owners) {
    PortHolder.Grouping groups = new PortHolder.Grouping();
    if (owners instanceof List<?> list) {
      for (Object o : list) {
        if (!(o instanceof Map<?, ?> m)) {
          continue;
        }
        String node = m.get("node") instanceof String s ? s : "";
        String status = "unknown";
        int pid = 0;
        String process = null;
        String user = null;
        String cmdline = null;
        if (m.get("owner") instanceof Map<?, ?> j) {
          status = j.get("status") instanceof String s ? s : "unknown";
          pid = j.get("pid") instanceof Number n ? n.intValue() : 0;
          process = j.get("process") instanceof String s ? s : null;
          user = j.get("user") instanceof String s ? s : null;
          cmdline = j.get("cmdline") instanceof String s ? s : null;
        }
        int sockets = m.get("sockets") instanceof Number n ? n.intValue() : 0;
        boolean listening =
            m.get("states") instanceof Map<?, ?> states
                && states.containsKey("tcp".equals(proto) ? "listen" : "closed");
        groups.add(
            new PortHolder(node, proto, status, pid, process, user, cmdline, sockets, listening));
      }
    }
    return groups.holders();
  }

  @Override
  public ProcessSockets process(int pid, String node) {
    String name = node != null ? node : onlyNode();
    Map<String, Object> j =
        api.get(
            "/api/v1/processes/"
                + java.net.URLEncoder.encode(name, java.nio.charset.StandardCharsets.UTF_8)
                + "/"
                + pid,
            Map.of());
    @SuppressWarnings("unchecked")
    Map<String, Object> process =
        j.get("process") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    return new ProcessSockets(name, process, rows(j.get("sockets")));
  }

  /** The one node the server knows; a usage error when it knows several. */
  private String onlyNode() {
    Object nodes = api.get("/api/v1/nodes", Map.of()).get("nodes");
    List<String> names = new ArrayList<>();
    if (nodes instanceof List<?> list) {
      for (Object n : list) {
        if (n instanceof Map<?, ?> m && m.get("name") != null) {
          names.add(m.get("name").toString());
        }
      }
    }
    if (names.size() != 1) {
      throw new CliException(
          CliException.USAGE,
          api.base()
              + " knows "
              + names.size()
              + " nodes ("
              + String.join(", ", names)
              + "): say which with --node NAME");
    }
    return names.get(0);
  }

  @Override
  public Map<String, Object> summary(String node) {
    return api.get("/api/v1/summary", node == null ? Map.of() : Map.of("node", node));
  }

  @Override
  public Map<String, Object> nodes(String node) {
    return api.get("/api/v1/nodes", node == null ? Map.of() : Map.of("node", node));
  }

  @SuppressWarnings("unchecked")
  static List<SocketRow> rows(Object sockets) {
    List<SocketRow> rows = new ArrayList<>();
    if (sockets instanceof List<?> list) {
      for (Object o : list) {
        if (o instanceof Map<?, ?> m) {
          rows.add(SocketRow.fromJson((Map<String, Object>) m));
        }
      }
    }
    return rows;
  }
}
