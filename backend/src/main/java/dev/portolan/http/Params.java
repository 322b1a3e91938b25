package dev.portolan.http;

import io.vertx.core.MultiMap;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Query parameters as the plain-Java domain takes them. */
public final class Params {
  private Params() {}

  public static Map<String, List<String>> of(MultiMap params) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : params) {
      out.computeIfAbsent(e.getKey(), k -> new ArrayList<>(1)).add(e.getValue());
    }
    return out;
  }
}
