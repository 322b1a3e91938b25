package dev.portolan.dashboard;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** Builds dashboard URLs: path segments and query strings, percent-encoded. */
final class Links {
  private Links() {}

  static String segment(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** {@code path?name=value&...} with the non-blank values of {@code params}, in their order. */
  static String withQuery(String path, Map<String, List<String>> params) {
    StringBuilder out = new StringBuilder(path);
    char sep = '?';
    for (Map.Entry<String, List<String>> e : params.entrySet()) {
      for (String v : e.getValue()) {
        if (v != null && !v.isBlank()) {
          out.append(sep)
              .append(URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8))
              .append('=')
              .append(URLEncoder.encode(v, StandardCharsets.UTF_8));
          sep = '&';
        }
      }
    }
    return out.toString();
  }
}
