package dev.portolan.netns;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A runtime's small JSON file read into maps, lists, strings, numbers and booleans with
 * jackson-core's streaming parser: nothing else of Jackson, no Vert.x. Files over a size cap,
 * unreadable ones and malformed ones read as null: a runtime's file is evidence, never a reason to
 * fail.
 */
final class JsonTree {

  /** Larger files are not read (a podman containers.json of thousands of containers is ~1 MiB). */
  static final long MAX_BYTES = 8L << 20;

  private static final JsonFactory FACTORY = new JsonFactory();

  private JsonTree() {}

  /** The file's value, or null when it is missing, unreadable, too large or not JSON. */
  static Object read(Path file) {
    try {
      if (!Files.isRegularFile(file) || Files.size(file) > MAX_BYTES) {
        return null;
      }
      try (InputStream in = Files.newInputStream(file);
          JsonParser parser = FACTORY.createParser(in)) {
        JsonToken first = parser.nextToken();
        return first == null ? null : value(parser, first);
      }
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** The map under {@code key} of a map, or an empty one. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object parent, String key) {
    if (parent instanceof Map<?, ?> m && m.get(key) instanceof Map<?, ?> child) {
      return (Map<String, Object>) child;
    }
    return Map.of();
  }

  /** The string under {@code key} of a map, or null. */
  static String string(Object parent, String key) {
    return parent instanceof Map<?, ?> m && m.get(key) instanceof String s ? s : null;
  }

  private static Object value(JsonParser parser, JsonToken token) throws IOException {
    return switch (token) {
      case START_OBJECT -> object(parser);
      case START_ARRAY -> array(parser);
      case VALUE_STRING -> parser.getText();
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> parser.getNumberValue();
      case VALUE_TRUE -> Boolean.TRUE;
      case VALUE_FALSE -> Boolean.FALSE;
      default -> null;
    };
  }

  private static Map<String, Object> object(JsonParser parser) throws IOException {
    Map<String, Object> map = new LinkedHashMap<>();
    JsonToken t;
    while ((t = parser.nextToken()) == JsonToken.FIELD_NAME) {
      String name = parser.currentName();
      map.put(name, value(parser, parser.nextToken()));
    }
    if (t != JsonToken.END_OBJECT) {
      throw new IOException("unterminated object");
    }
    return map;
  }

  private static List<Object> array(JsonParser parser) throws IOException {
    List<Object> list = new ArrayList<>();
    JsonToken t;
    while ((t = parser.nextToken()) != JsonToken.END_ARRAY) {
      if (t == null) {
        throw new IOException("unterminated array");
      }
      list.add(value(parser, t));
    }
    return list;
  }
}
