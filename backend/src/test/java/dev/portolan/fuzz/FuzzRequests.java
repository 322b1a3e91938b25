package dev.portolan.fuzz;

import dev.portolan.fuzz.FuzzedEndpoints.Endpoint;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * Turns a row of {@link FuzzedEndpoints} into generated requests: path segments, query parameters
 * or body fields from {@link FuzzValues} (some left out, some repeated, unknown ones added, some
 * with broken percent-encoding), JSON bodies with wrong types, nesting, huge arrays and
 * non-objects, form bodies, garbage headers.
 */
final class FuzzRequests {
  private FuzzRequests() {}

  /** One generated request. {@code headers} are name, value, name, value... */
  record Request(
      Endpoint endpoint, String method, String target, List<String> headers, String body) {
    @Override
    public String toString() {
      String b = body == null ? "" : " body=" + abbreviate(body);
      return method
          + " "
          + abbreviate(target)
          + " headers="
          + headers.stream().map(FuzzRequests::abbreviate).toList()
          + b;
    }
  }

  static String abbreviate(String s) {
    return s.length() <= 200 ? s : s.substring(0, 200) + "...(" + s.length() + " chars)";
  }

  private static final Pattern SEGMENT = Pattern.compile("\\{([a-z-]+)}");

  static Arbitrary<Request> of(Endpoint e) {
    List<Arbitrary<List<String[]>>> fields = new ArrayList<>();
    for (String key : e.fields()) {
      if (key.startsWith("!")) {
        fields.add(FuzzValues.field(key.substring(1)));
      } else {
        fields.add(
            Arbitraries.frequencyOf(
                Tuple.of(3, FuzzValues.field(key)),
                Tuple.of(1, Arbitraries.just(List.<String[]>of()))));
      }
    }
    Arbitrary<List<String[]>> given =
        fields.isEmpty()
            ? Arbitraries.just(List.of())
            : Combinators.combine(fields).as(all -> all.stream().flatMap(List::stream).toList());
    return Combinators.combine(
            path(e.path()),
            given,
            extras(),
            headers(),
            Arbitraries.integers().between(0, 99),
            Arbitraries.integers().between(0, 99),
            FuzzValues.junk())
        .as(
            (path, values, extra, headers, shape, methodDice, junk) ->
                build(e, path, values, extra, headers, shape, methodDice, junk));
  }

  private static Request build(
      Endpoint e,
      String path,
      List<String[]> values,
      List<String[]> extra,
      List<String> headers,
      int shape,
      int methodDice,
      String junk) {
    String method = e.method();
    if (methodDice < 4) { // the wrong method
      method =
          List.of("PUT", "PATCH", "DELETE", "POST", "BREW")
              .get(methodDice % 5 == 4 ? 4 : methodDice);
    }
    List<String[]> query = new ArrayList<>(extra);
    String body = null;
    List<String> h = new ArrayList<>(headers);
    if (e.fields().stream().anyMatch(k -> k.startsWith("!"))) {
      // a field that must never be left out must not vanish with a body read as another type either
      h = new ArrayList<>();
      for (int i = 0; i + 1 < headers.size(); i += 2) {
        if (!headers.get(i).equalsIgnoreCase("Content-Type")) {
          h.add(headers.get(i));
          h.add(headers.get(i + 1));
        }
      }
    }
    switch (e.body()) {
      case NONE -> query.addAll(0, values);
      case JSON -> {
        body = jsonBody(values, shape, junk);
        if (h.stream().noneMatch(x -> x.equalsIgnoreCase("Content-Type"))) {
          h.add("Content-Type");
          h.add(shape % 10 == 9 ? "text/plain" : "application/json");
        }
      }
      case FORM -> {
        // a field that must never be left out is never at the mercy of a broken encoding either
        boolean required = e.fields().stream().anyMatch(k -> k.startsWith("!"));
        body = formBody(values, required && shape % 10 == 0 ? 3 : shape, junk);
        if (h.stream().noneMatch(x -> x.equalsIgnoreCase("Content-Type"))) {
          h.add("Content-Type");
          // a body not read as a form has no fields: only where none is required may that happen
          h.add(
              shape % 10 == 9 && !required
                  ? "multipart/form-data; boundary=x"
                  : "application/x-www-form-urlencoded");
        }
      }
    }
    if (shape % 7 == 3 && !query.isEmpty()) {
      query.add(query.get(0)); // a repeated parameter, same value (a form keeps the first anyway)
    }
    StringBuilder target = new StringBuilder(path);
    for (int i = 0; i < query.size(); i++) {
      String[] kv = query.get(i);
      target.append(i == 0 ? '?' : '&').append(encode(kv[0])).append('=');
      target.append(shape % 11 == 5 && i == 0 ? rawBroken(kv[1]) : encode(kv[1]));
    }
    return new Request(e, method, target.toString(), h, body);
  }

  /** A value with its percent-encoding broken on purpose ({@code %zz}, a lone {@code %}, a NUL). */
  private static String rawBroken(String value) {
    return encode(value)
        + List.of("%zz", "%", "%0", "%00", "%C3%28", "%FF%FE").get(Math.abs(value.hashCode()) % 6);
  }

  static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /**
   * The path with every {name} segment filled: percent-encoded mostly, raw (and so sometimes
   * broken) else.
   */
  static Arbitrary<String> path(String template) {
    Matcher m = SEGMENT.matcher(template);
    List<String> names = new ArrayList<>();
    while (m.find()) {
      names.add(m.group(1));
    }
    if (names.isEmpty()) {
      return Arbitraries.just(template);
    }
    List<Arbitrary<String>> parts = new ArrayList<>();
    for (String name : names) {
      parts.add(
          Arbitraries.frequencyOf(
              Tuple.of(8, FuzzValues.value(name).map(v -> encode(v).replace("+", "%20"))),
              Tuple.of(1, FuzzValues.value(name).map(FuzzRequests::rawPathSegment)),
              Tuple.of(1, FuzzValues.value(name).map(v -> encode(v) + "/" + encode(v)))));
    }
    return Combinators.combine(parts)
        .as(
            values -> {
              Matcher fill = SEGMENT.matcher(template);
              StringBuilder out = new StringBuilder();
              int i = 0;
              while (fill.find()) {
                fill.appendReplacement(out, Matcher.quoteReplacement(values.get(i++)));
              }
              fill.appendTail(out);
              return out.toString();
            });
  }

  /**
   * A segment as typed: only what cannot be on a request line at all (space, control) is escaped.
   */
  private static String rawPathSegment(String v) {
    StringBuilder b = new StringBuilder();
    for (char c : v.toCharArray()) {
      b.append(
          c <= ' ' || c >= 0x7f || c == '?' || c == '#'
              ? encode(String.valueOf(c))
              : String.valueOf(c));
    }
    return b.toString();
  }

  /** 0 to 2 parameters the endpoint does not know, or with names of other endpoints'. */
  private static Arbitrary<List<String[]>> extras() {
    Arbitrary<String[]> one =
        Combinators.combine(
                Arbitraries.oneOf(
                    Arbitraries.of(
                        "prot",
                        "x",
                        "PORT",
                        "node ",
                        "",
                        "limit",
                        "cursor",
                        "q",
                        "format",
                        "__proto__",
                        "a[b]",
                        "callback"),
                    Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(8)),
                FuzzValues.junk())
            .as((n, v) -> new String[] {n, v});
    return Arbitraries.frequencyOf(
        Tuple.of(6, Arbitraries.just(List.<String[]>of())),
        Tuple.of(4, one.list().ofMinSize(1).ofMaxSize(2)));
  }

  /**
   * Garbage headers: Last-Event-ID, Content-Type, Accept, Authorization, HX-Request, long values.
   */
  static Arbitrary<List<String>> headers() {
    Arbitrary<String> printable =
        Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(60).map(String::strip);
    Arbitrary<String> longValue = Arbitraries.integers().between(500, 7000).map("v"::repeat);
    Arbitrary<List<String>> one =
        Arbitraries.oneOf(
            Arbitraries.oneOf(FuzzValues.eventIds(), printable, longValue)
                .map(v -> List.of("Last-Event-ID", headerSafe(v))),
            Arbitraries.oneOf(
                    Arbitraries.of(
                        "application/json; charset=bogus",
                        "application/json;;",
                        "text/html",
                        "multipart/form-data",
                        "multipart/form-data; boundary=",
                        "application/x-www-form-urlencoded; charset=utf-16",
                        "*/*",
                        "",
                        "application/xml",
                        "application/json\u00e9"),
                    printable)
                .map(v -> List.of("Content-Type", headerSafe(v))),
            Arbitraries.oneOf(
                    Arbitraries.of(
                        "text/event-stream",
                        "application/json",
                        "text/csv",
                        "*/*;q=x",
                        "",
                        "a/b/c"),
                    printable)
                .map(v -> List.of("Accept", headerSafe(v))),
            Arbitraries.oneOf(
                    Arbitraries.of(
                        "Basic !!!",
                        "Basic " + "A".repeat(3000),
                        "Bearer ",
                        "Bearer a.b.c",
                        "Digest x",
                        ""),
                    printable,
                    longValue)
                .map(v -> List.of("Authorization", headerSafe(v))),
            Arbitraries.of("true", "false", "1", "").map(v -> List.of("HX-Request", v)),
            Arbitraries.of("true", "x").map(v -> List.of("HX-History-Restore-Request", v)),
            Arbitraries.oneOf(printable, longValue)
                .map(v -> List.of("X-Forwarded-For", headerSafe(v))),
            Arbitraries.oneOf(printable, longValue).map(v -> List.of("Cookie", headerSafe(v))),
            Arbitraries.of("gzip", "deflate", "br", "x").map(v -> List.of("Accept-Encoding", v)));
    return one.list().ofMaxSize(3).map(l -> l.stream().flatMap(List::stream).toList());
  }

  private static String headerSafe(String v) {
    return v.replaceAll("[\\x00-\\x1f\\x7f]", " ").strip();
  }

  /**
   * A JSON body: the fields with some types changed, extra fields, nesting, a huge array, or no
   * object at all.
   */
  private static String jsonBody(List<String[]> values, int shape, String junk) {
    switch (shape % 10) {
      case 0 -> {
        return List.of(
                "[]",
                "null",
                "42",
                "\"text\"",
                "",
                "{",
                "{\"target\":",
                "[".repeat(3000) + "]".repeat(3000),
                "{\"a\":".repeat(2000) + "1" + "}".repeat(2000),
                "\u0000",
                "{\"target\":\"127.0.0.1\",}",
                junk)
            .get(shape / 10 % 12);
      }
      case 1 -> {
        JsonObject o = object(values, shape);
        o.put("huge", new JsonArray(java.util.stream.IntStream.range(0, 5000).boxed().toList()));
        return o.encode();
      }
      default -> {
        return object(values, shape).encode();
      }
    }
  }

  private static JsonObject object(List<String[]> values, int shape) {
    JsonObject o = new JsonObject();
    for (String[] kv : values) {
      o.put(kv[0], typed(kv[0], kv[1], shape + kv[0].length()));
    }
    if (shape % 10 == 2) {
      o.put(
          "extra",
          new JsonObject().put("nested", new JsonObject().put("deeper", new JsonArray().add(1))));
    }
    return o;
  }

  /**
   * The value as a string mostly; as a number when it is one, or as a wrong type (the same text
   * inside).
   */
  private static Object typed(String name, String value, int dice) {
    if (name.equals("nodes")) {
      return switch (dice % 4) {
        case 0 -> new JsonArray().add(value);
        case 1 -> new JsonArray().add(value).add(42).add(new JsonObject());
        case 2 -> value;
        default -> new JsonArray();
      };
    }
    switch (dice % 9) {
      case 0 -> {
        try {
          return Long.parseLong(value);
        } catch (NumberFormatException e) {
          return value;
        }
      }
      case 1 -> {
        return new JsonArray().add(value);
      }
      case 2 -> {
        return new JsonObject().put("value", value);
      }
      case 3 -> {
        return dice % 2 == 0;
      }
      case 4 -> {
        try {
          return Double.parseDouble(value) + 0.5; // never a whole port
        } catch (NumberFormatException e) {
          return value; // never null: a scan without ports would scan the default list
        }
      }
      default -> {
        return value;
      }
    }
  }

  /**
   * A form body: the fields url-encoded, sometimes with broken encoding, repeated fields or over
   * the size limit.
   */
  private static String formBody(List<String[]> values, int shape, String junk) {
    StringBuilder b = new StringBuilder();
    for (String[] kv : values) {
      b.append(b.isEmpty() ? "" : "&").append(encode(kv[0])).append('=').append(encode(kv[1]));
    }
    return switch (shape % 10) {
      case 0 -> b + (b.isEmpty() ? "" : "&") + "x=%zz&=&&%=%";
      case 1 -> b + "&pad=" + "a".repeat(20_000);
      case 2 -> b + "&" + encode(junk) + "=" + encode(junk);
      default -> b.toString();
    };
  }
}
