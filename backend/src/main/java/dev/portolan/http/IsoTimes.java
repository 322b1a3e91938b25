package dev.portolan.http;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Every time in an API answer also as ISO 8601 with an offset: next to each field named {@code
 * ...At} or {@code ...Since} that holds Unix epoch milliseconds, a field {@code ...AtIso} (or
 * {@code ...SinceIso}), e.g. {@code "lastSampleAt": 1796611932023, "lastSampleAtIso":
 * "2026-12-07T02:52:12.023Z"}, in the node's time zone. The epoch fields stay as they were.
 */
public final class IsoTimes {
  /** Epoch milliseconds from 2001-09-09 to 2286: smaller or larger numbers are no such time. */
  private static final long MIN = 1_000_000_000_000L;

  private static final long MAX = 9_999_999_999_999L;

  private IsoTimes() {}

  /** Adds the ISO fields throughout {@code json} (nested objects and arrays too); returns it. */
  public static JsonObject addTo(JsonObject json) {
    List<Map.Entry<String, String>> added = new ArrayList<>();
    for (Map.Entry<String, Object> e : json) {
      Object v = e.getValue();
      if (v instanceof JsonObject o) {
        addTo(o);
      } else if (v instanceof JsonArray a) {
        addTo(a);
      } else if (v instanceof Number n
          && (e.getKey().endsWith("At") || e.getKey().endsWith("Since"))
          && !(v instanceof Double || v instanceof Float)
          && n.longValue() >= MIN
          && n.longValue() <= MAX
          && !json.containsKey(e.getKey() + "Iso")) {
        added.add(Map.entry(e.getKey() + "Iso", iso(n.longValue())));
      }
    }
    added.forEach(e -> json.put(e.getKey(), e.getValue()));
    return json;
  }

  private static void addTo(JsonArray array) {
    for (Object item : array) {
      if (item instanceof JsonObject o) {
        addTo(o);
      } else if (item instanceof JsonArray a) {
        addTo(a);
      }
    }
  }

  /** {@code epochMillis} as ISO 8601 with the offset of the node's time zone. */
  public static String iso(long epochMillis) {
    return DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(
        OffsetDateTime.ofInstant(Instant.ofEpochMilli(epochMillis), ZoneId.systemDefault()));
  }
}
