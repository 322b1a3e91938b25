package dev.portolan.config;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Raw values of {@link Settings}, each with where it came from: the {@code --config} file, the
 * environment or the command line (put in that order, later ones winning). Checking them names each
 * bad value as the user gave it: {@code --http-port} from the command line, {@code
 * PORTOLAN_HTTP_PORT} from the environment, {@code httpPort} from the file. A key the file has that
 * is no setting is an error, with the nearest key named.
 */
public final class SettingValues {
  /** Where a value came from. */
  public enum Source {
    FILE,
    ENVIRONMENT,
    COMMAND_LINE
  }

  private final Map<String, Object> values = new LinkedHashMap<>();
  private final Map<String, Source> sources = new HashMap<>();

  /**
   * The keys and values of a config file ({@code where} names it in errors).
   *
   * @throws PortolanConfig.InvalidConfigException for a key that is no setting: "unknown key
   *     'intervall' in portolan.json (did you mean 'interval'?)"
   */
  public SettingValues putFile(Map<String, Object> file, String where) {
    for (Map.Entry<String, Object> e : file.entrySet()) {
      if (!Settings.BY_KEY.containsKey(e.getKey())) {
        String near = Settings.nearestKey(e.getKey());
        throw new PortolanConfig.InvalidConfigException(
            "unknown key '"
                + e.getKey()
                + "' in "
                + where
                + (near != null
                    ? " (did you mean '" + near + "'?)"
                    : " (see --config in --help for the keys)"));
      }
      put(e.getKey(), e.getValue(), Source.FILE);
    }
    return this;
  }

  /** The settings' {@code PORTOLAN_*} variables that {@code environment} has. */
  public SettingValues putEnvironment(Map<String, String> environment) {
    for (Setting<?> s : Settings.BY_KEY.values()) {
      String value = environment.get(s.env());
      if (value != null) {
        put(s.key(), value, Source.ENVIRONMENT);
      }
    }
    return this;
  }

  /** A value of {@code key} from {@code source}, replacing any value an earlier source gave. */
  public SettingValues put(String key, Object value, Source source) {
    if (!Settings.BY_KEY.containsKey(key)) {
      throw new IllegalArgumentException("no setting " + key);
    }
    if (value != null) {
      values.put(key, value);
      sources.put(key, source);
    }
    return this;
  }

  /** Where the value of {@code key} came from, or null when it has none. */
  public Source source(String key) {
    return sources.get(key);
  }

  /** {@code key} as the user gave it: its flag, its environment variable or the key itself. */
  public String nameOf(String key) {
    Setting<?> s = Settings.BY_KEY.get(key);
    Source source = sources.get(key);
    if (s == null || source == null || source == Source.FILE) {
      return key;
    }
    return source == Source.ENVIRONMENT || !s.hasFlag() ? s.env() : s.flag();
  }

  /** The merged values by key. */
  public Map<String, Object> asMap() {
    return new LinkedHashMap<>(values);
  }

  /**
   * The node's settings: each value checked by its setting's parser first, then all of them
   * together ({@link PortolanConfig#from}); an error that starts with a key names it as the user
   * gave it.
   *
   * @throws PortolanConfig.InvalidConfigException one line
   */
  public PortolanConfig toConfig(String defaultNodeName) {
    for (Map.Entry<String, Object> e : values.entrySet()) {
      Settings.BY_KEY.get(e.getKey()).parse(e.getValue(), nameOf(e.getKey()));
    }
    try {
      return PortolanConfig.from(asMap(), defaultNodeName);
    } catch (PortolanConfig.InvalidConfigException e) {
      String message = e.getMessage();
      for (String key : values.keySet()) {
        if (message.startsWith("invalid " + key + " ")
            || message.startsWith("invalid " + key + ":")) {
          throw new PortolanConfig.InvalidConfigException(Setting.renamed(message, nameOf(key)));
        }
      }
      throw e;
    }
  }
}
