package dev.portolan.access;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Who may use the HTTP side, and over what: the users file ({@code users}; authentication is on
 * when there is one), where API tokens are kept ({@code tokens}; else in memory), HTTPS ({@code
 * tlsCert}, {@code tlsKey}: PEM files, both or neither), and the names the node is reached by
 * besides its addresses and localhost ({@code publicHost}, comma-separated: any other {@code Host}
 * is refused, {@link dev.portolan.access.AllowedHosts}).
 */
public record HttpAccess(
    UserFile users, Path tokensFile, Path tlsCert, Path tlsKey, List<String> publicHosts) {

  /** No authentication, plain HTTP: the loopback default. */
  public static final HttpAccess OPEN = new HttpAccess(null, null, null, null, List.of());

  public boolean authentication() {
    return users != null;
  }

  public boolean tls() {
    return tlsCert != null;
  }

  /** A new token store as configured (read from the tokens file when there is one). */
  public TokenStore tokenStore() {
    return tokensFile == null ? TokenStore.inMemory() : TokenStore.persistent(tokensFile);
  }

  /**
   * Reads the settings {@code users}, {@code tokens}, {@code tlsCert}, {@code tlsKey}, {@code
   * publicHost}; reads and checks the files. A bad setting is an {@link IllegalArgumentException}
   * whose message is the line a user sees.
   */
  public static HttpAccess from(Map<String, Object> settings) {
    String usersPath = text(settings, "users");
    UserFile users = null;
    if (usersPath != null) {
      try {
        users = UserFile.read(Path.of(usersPath));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(e.getMessage());
      }
    }
    String tokensPath = text(settings, "tokens");
    Path tokens = null;
    if (tokensPath != null) {
      if (users == null) {
        throw new IllegalArgumentException("--tokens needs --users: API tokens act for a user");
      }
      tokens = Path.of(tokensPath);
      Path dir = tokens.toAbsolutePath().getParent();
      if (dir == null || !Files.isDirectory(dir) || !Files.isWritable(dir)) {
        throw new IllegalArgumentException(
            "cannot keep tokens in " + tokensPath + ": its directory must exist and be writable");
      }
      try {
        TokenStore.persistent(tokens);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(e.getMessage());
      }
    }
    String cert = text(settings, "tlsCert");
    String key = text(settings, "tlsKey");
    if ((cert == null) != (key == null)) {
      throw new IllegalArgumentException(
          "HTTPS needs both --tls-cert and --tls-key (PEM files), or neither");
    }
    for (String file : cert == null ? new String[0] : new String[] {cert, key}) {
      if (!Files.isReadable(Path.of(file))) {
        throw new IllegalArgumentException(
            "cannot read " + file + " (--tls-cert and --tls-key are PEM files)");
      }
    }
    return new HttpAccess(
        users,
        tokens,
        cert == null ? null : Path.of(cert),
        key == null ? null : Path.of(key),
        publicHosts(settings.get("publicHost")));
  }

  /**
   * The {@code publicHost} setting: names or addresses, comma-separated (or a JSON array in the
   * config file).
   */
  public static List<String> publicHosts(Object value) {
    List<String> hosts = new ArrayList<>();
    if (value == null || (!(value instanceof Iterable<?>) && value.toString().isBlank())) {
      return hosts;
    }
    Iterable<?> items =
        value instanceof Iterable<?> it ? it : List.of(value.toString().split(",", -1));
    for (Object item : items) {
      String host = String.valueOf(item).strip();
      if (!AllowedHosts.validPublicHost(host)) {
        throw new IllegalArgumentException(
            "invalid public host '"
                + host
                + "': give the host names (or"
                + " addresses) the node is reached by, comma-separated, like portolan.example.com,10.0.0.5");
      }
      hosts.add(host);
    }
    return List.copyOf(hosts);
  }

  /**
   * Whether {@code bind} is loopback (127.0.0.0/8, ::1, or a name every address of which is one:
   * {@link LoopbackHost}): only such a node may run open.
   */
  public static boolean isLoopback(String bind) {
    return LoopbackHost.isLoopback(bind);
  }

  private static String text(Map<String, Object> settings, String key) {
    Object v = settings.get(key);
    return v == null || v.toString().isBlank() ? null : v.toString().trim();
  }
}
