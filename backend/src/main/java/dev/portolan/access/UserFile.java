package dev.portolan.access;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The users who may log in, read from {@code --users FILE}: one user per line, {@code
 * name:role:hash}, where role is viewer, operator or admin and hash is a {@link Passwords} hash
 * ({@code java -jar portolan.jar hash-password} prints such a line). Blank lines and lines starting
 * with {@code #} are ignored. A bad line is refused with its number.
 */
public final class UserFile {

  /** One user. */
  public record User(String name, AccessRole role, String passwordHash) {
    /** What a {@link #fingerprint} looks like: 32 hex digits. */
    public static final String FINGERPRINT = "[0-9a-f]{32}";

    /**
     * A digest of the password hash (its salt included): the same for this user as long as the
     * users file has the same line for them, different once the user is re-created or their
     * password changes (a new hash has a new salt), whatever the role. API tokens keep it to know
     * their owner; it tells nothing of the password.
     */
    public String fingerprint() {
      return TokenStore.sha256("portolan user\n" + passwordHash).substring(0, 32);
    }

    @Override
    public String toString() {
      return name + " (" + role.wireName() + ")";
    }
  }

  private final Path path;
  private final Map<String, User> users;

  private UserFile(Path path, Map<String, User> users) {
    this.path = path;
    this.users = users;
  }

  /**
   * Reads and checks {@code path}; an unreadable file or a bad line is an {@link
   * IllegalArgumentException}.
   */
  public static UserFile read(Path path) {
    String text;
    try {
      text = Files.readString(path, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read users file " + path + ": " + e.getMessage());
    }
    return new UserFile(path, parse(text, path.toString()));
  }

  /** Parses the file's text; {@code source} names it in error messages. */
  public static Map<String, User> parse(String text, String source) {
    Map<String, User> users = new LinkedHashMap<>();
    String[] lines = text.split("\r?\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String where = source + " line " + (i + 1);
      String[] parts = line.split(":", 3);
      if (parts.length != 3) {
        throw new IllegalArgumentException(
            where
                + ": write name:role:hash (java -jar portolan.jar hash-password"
                + " --user NAME --role ROLE prints such a line)");
      }
      String name = parts[0].strip();
      if (!validName(name)) {
        throw new IllegalArgumentException(
            where
                + ": invalid user name '"
                + name
                + "': 1 to 64 letters, digits, '.', '-', '_' or '@'");
      }
      AccessRole role;
      try {
        role = AccessRole.parse(parts[1]);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(where + ": " + e.getMessage());
      }
      String hash = parts[2].strip();
      if (!Passwords.wellFormed(hash)) {
        throw new IllegalArgumentException(
            where
                + ": the password must be a pbkdf2 hash ($pbkdf2$it=N$salt$hash),"
                + " never the password itself: make one with java -jar portolan.jar hash-password");
      }
      if (users.putIfAbsent(name, new User(name, role, hash)) != null) {
        throw new IllegalArgumentException(where + ": user '" + name + "' is listed twice");
      }
    }
    if (users.isEmpty()) {
      throw new IllegalArgumentException(source + " lists no user: add a line name:role:hash");
    }
    return Map.copyOf(users);
  }

  public static boolean validName(String name) {
    return name != null && name.matches("[A-Za-z0-9._@\\-]{1,64}");
  }

  public Optional<User> user(String name) {
    return Optional.ofNullable(name == null ? null : users.get(name));
  }

  /**
   * The user whose name and password these are, or empty; the same work for an unknown name as for
   * a known one.
   */
  public Optional<User> authenticate(String name, String password) {
    User u = name == null ? null : users.get(name);
    if (u == null || password == null) {
      Passwords.verifyNothing(password == null ? "" : password);
      return Optional.empty();
    }
    return Passwords.verify(u.passwordHash(), password) ? Optional.of(u) : Optional.empty();
  }

  public Path path() {
    return path;
  }

  public int size() {
    return users.size();
  }
}
