package dev.portolan.dashboard;

import dev.portolan.bus.SocketQuery;
import dev.portolan.frontend.view.FilterForm;
import dev.portolan.node.QueryValues;
import dev.portolan.node.SocketFilter;
import dev.portolan.node.SocketPage;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The connections page's query: the {@code /api/v1/sockets} filters one to one (blank form fields mean "any"),
 * plus {@code cursor}; the form as submitted; and the link to the next page.
 */
record ConnectionsQuery(Map<String, List<String>> params, FilterForm form, SocketQuery query) {
  static final int PAGE_SIZE = 200;

  static ConnectionsQuery parse(Map<String, List<String>> raw) {
    Map<String, List<String>> params = new LinkedHashMap<>();
    raw.forEach((name, values) -> {
      List<String> given = values.stream().filter(v -> v != null && !v.isBlank()).toList();
      if (!given.isEmpty()) {
        params.put(name, given);
      }
    });
    SocketFilter.rejectUnknown(params, Set.of("cursor"));
    SocketFilter filter = SocketFilter.parse(params);
    String cursor = SocketPage.validCursor(QueryValues.single(params, "cursor"));
    FilterForm form = new FilterForm(text(params, "proto"), text(params, "state"), text(params, "port"),
        text(params, "pid"), Boolean.TRUE.equals(filter.listening()), text(params, "q"));
    return new ConnectionsQuery(params, form, new SocketQuery(filter, PAGE_SIZE, cursor));
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

  private static String text(Map<String, List<String>> params, String name) {
    String v = QueryValues.single(params, name);
    return v == null ? "" : v;
  }
}
