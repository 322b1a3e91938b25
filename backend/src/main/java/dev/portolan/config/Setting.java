package dev.portolan.config;

import java.util.Map;
import java.util.function.Function;

/**
 * One setting of a node, declared once: its config-file key, its command-line flag (null for a
 * setting only the file and the environment give), its {@code PORTOLAN_*} environment variable, the
 * flag's parameter label, its default as the README and {@code --help} show it, what it means (one
 * line of markdown, as the README's options table has it), and the parser that checks a raw value
 * (a JSON value or a string) and turns it into {@code T}. The catalogue of all of them is {@link
 * Settings}.
 *
 * @param <T> what a value becomes
 */
public record Setting<T>(
    String key,
    String flag,
    String env,
    String paramLabel,
    Kind kind,
    String defaultText,
    T defaultValue,
    String meaning,
    Function<Object, T> parser) {

  /** How the flag takes its value. */
  public enum Kind {
    /** {@code --flag VALUE}. */
    VALUE,
    /** {@code --flag} alone means true. */
    SWITCH,
    /** {@code --flag VALUE}, repeatable; comma-separated in the environment and the file. */
    LIST
  }

  /**
   * The value under {@link #key} in {@code values} parsed, or {@link #defaultValue} when there is
   * none.
   */
  public T value(Map<String, ?> values) {
    Object raw = values.get(key);
    return raw == null ? defaultValue : parser.apply(raw);
  }

  /**
   * Parses {@code raw}, naming the setting {@code name} in the error: {@code --http-port}, {@code
   * PORTOLAN_HTTP_PORT} or {@code httpPort}, as the user gave it.
   *
   * @throws PortolanConfig.InvalidConfigException one line: "invalid NAME 'VALUE': why"
   */
  public T parse(Object raw, String name) {
    try {
      return parser.apply(raw);
    } catch (IllegalArgumentException | PortolanConfig.InvalidConfigException e) {
      throw new PortolanConfig.InvalidConfigException(renamed(e.getMessage(), name));
    }
  }

  /**
   * A parser's message with its subject replaced by {@code name}: parsers say "invalid SUBJECT
   * 'item': why" or "invalid SUBJECT: why" (SUBJECT a key or words like "node name"), which becomes
   * "invalid NAME 'item': why".
   */
  static String renamed(String message, String name) {
    if (message == null || !message.startsWith("invalid ")) {
      return "invalid " + name + ": " + message;
    }
    int quote = message.indexOf(" '", 8);
    int colon = message.indexOf(':', 8);
    int end = quote < 0 ? colon : colon < 0 ? quote : Math.min(quote, colon);
    return end < 0
        ? "invalid " + name + ": " + message.substring(8)
        : "invalid " + name + message.substring(end);
  }

  /** Whether there is a command-line flag. */
  public boolean hasFlag() {
    return flag != null;
  }
}
