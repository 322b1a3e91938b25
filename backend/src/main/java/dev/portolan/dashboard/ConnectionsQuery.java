package dev.portolan.dashboard;

import dev.portolan.bus.NamespacesReply;
import dev.portolan.bus.SocketQuery;
import dev.portolan.fleet.FleetPage;
import dev.portolan.frontend.view.FilterForm;
import dev.portolan.frontend.view.NamespaceChoice;
import dev.portolan.http.QueryValues;
import dev.portolan.netns.SocketNamespace;
import dev.portolan.sampling.SocketFilter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The connections page's query: the {@code /api/v1/sockets} filters one to one (blank form fields
 * mean "any"; a blank node means every node), plus {@code cursor}; the form as submitted; and the
 * link to the next page.
 */
record ConnectionsQuery(Map<String, List<String>> params, SocketQuery query) {
  static final int PAGE_SIZE = 200;

  static ConnectionsQuery parse(Map<String, List<String>> raw) {
    Map<String, List<String>> params = new LinkedHashMap<>();
    raw.forEach(
        (name, values) -> {
          List<String> given = values.stream().filter(v -> v != null && !v.isBlank()).toList();
          if (!given.isEmpty()) {
            params.put(name, given);
          }
        });
    SocketFilter.rejectUnknown(params, Set.of("cursor"));
    SocketFilter filter = SocketFilter.parse(params);
    String cursor = FleetPage.validCursor(QueryValues.single(params, "cursor"));
    return new ConnectionsQuery(params, new SocketQuery(filter, PAGE_SIZE, cursor));
  }

  /** The node asked for, or null for every node. */
  String node() {
    return query.filter().node();
  }

  /**
   * The form as submitted, with {@code nodes} and {@code namespaces} (of the node shown; none when
   * several are) to choose from; a namespace asked for that is not among them is still offered.
   */
  FilterForm form(List<String> nodes, List<NamespacesReply.Namespace> namespaces) {
    String node = text("node");
    String netns = text("netns");
    List<NamespaceChoice> choices = new ArrayList<>();
    boolean chosenListed = netns.isEmpty();
    for (NamespacesReply.Namespace n : namespaces) {
      SocketNamespace ns = new SocketNamespace(n.inode(), n.label());
      String value = Long.toString(n.inode());
      chosenListed |= value.equals(netns);
      choices.add(
          new NamespaceChoice(
              value,
              NamespaceText.shortLabel(ns)
                  + " · "
                  + n.total()
                  + (n.total() == 1 ? " socket" : " sockets")));
    }
    if (!chosenListed) {
      choices.add(new NamespaceChoice(netns, "netns " + netns));
    }
    return new FilterForm(
        text("proto"),
        text("state"),
        text("port"),
        text("pid"),
        Boolean.TRUE.equals(query.filter().listening()),
        text("q"),
        node,
        nodes,
        netns,
        choices);
  }

  /** The same filters with the next page's cursor, or null when there is none. */
  String nextPageHref(String nextCursor) {
    if (nextCursor == null || nextCursor.isBlank()) {
      return null;
    }
    Map<String, List<String>> next = new LinkedHashMap<>(params);
    next.put("cursor", List.of(nextCursor));
    return Links.withQuery("/connections", next);
  }

  private String text(String name) {
    String v = QueryValues.single(params, name);
    return v == null ? "" : v;
  }
}
