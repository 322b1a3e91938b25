package dev.portolan.access;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.logging.Logger;

/**
 * API tokens ({@code Authorization: Bearer ptk_<id>_<secret>}): each has an id, a name, the user
 * who made it (its owner) and a role no higher than the owner's. Only a SHA-256 hash of each token
 * is kept (tokens are 256 random bits, so no slow hash is needed); the token itself is shown once,
 * when made. A token is bound to its owner as the users file had them when it was made ({@link
 * UserFile.User#fingerprint}): once the owner is re-created or their password changes, {@link
 * #ownedBy} refuses it. Kept in memory, and written to {@code --tokens FILE} after every change
 * when one is given (one token per line, tab-separated: id, name, owner, role, created-at millis,
 * hash, owner fingerprint; a line without the fingerprint, from before tokens were bound, is read
 * but its token refused). Thread-safe.
 *
 * <p>Several hubs share one table ({@link #sharedThrough}): a map every hub holds a copy of (the
 * cluster's replicated map), keyed by token id, each value a line of the file's format. A token
 * made or revoked on one hub is then valid or refused on every hub.
 */
public final class TokenStore {
  private static final Logger LOG = Logger.getLogger(TokenStore.class.getName());
  public static final String PREFIX = "ptk_";
  public static final int MAX_TOKENS = 1000;

  /**
   * A token as listed: no secret. {@code ownerFingerprint} is its owner's {@link
   * UserFile.User#fingerprint} when it was made (null for a token from before tokens were bound to
   * their owner).
   */
  public record Token(
      String id,
      String name,
      String owner,
      AccessRole role,
      long createdAt,
      String hash,
      String ownerFingerprint) {}

  /** A token just made: the token text, shown once. */
  public record Created(Token token, String secret) {}

  private final Path file;
  private final LongSupplier clock;
  private final SecureRandom random = new SecureRandom();

  /** Token id -> the token as a line of the file (tab-separated fields, no newline). */
  private final Map<String, String> table;

  /**
   * Tokens refused for their owner already logged, so that a scraper's every try does not log
   * again.
   */
  private final Set<String> refusalsLogged = new HashSet<>();

  /** Whether {@link #table} is the hubs' shared one ({@link #sharedThrough}). */
  private final boolean shared;

  private TokenStore(Path file, LongSupplier clock, Map<String, String> table) {
    this(file, clock, table, false);
  }

  private TokenStore(Path file, LongSupplier clock, Map<String, String> table, boolean shared) {
    this.file = file;
    this.clock = clock;
    this.table = table;
    this.shared = shared;
  }

  /** Tokens in memory only (lost at restart). */
  public static TokenStore inMemory() {
    return new TokenStore(null, System::currentTimeMillis, new LinkedHashMap<>());
  }

  /**
   * This store's tokens kept in {@code shared} instead, a table every hub of the cluster reads and
   * writes: this store's tokens (its file's) go into it only when it is empty, the first hub's; a
   * hub that joins takes the cluster's tokens as they are (its file may miss a revocation made
   * while it was away). The file, when there is one, is written whole after each change made here.
   */
  public TokenStore sharedThrough(Map<String, String> shared) {
    synchronized (shared) {
      if (shared.isEmpty()) {
        shared.putAll(table);
      }
    }
    return new TokenStore(file, clock, shared, true);
  }

  /**
   * Tokens kept in {@code file}, read now if it exists; a bad file is an {@link
   * IllegalArgumentException}.
   */
  public static TokenStore persistent(Path file) {
    TokenStore store = new TokenStore(file, System::currentTimeMillis, new LinkedHashMap<>());
    if (Files.exists(file)) {
      String text;
      try {
        text = Files.readString(file, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new IllegalArgumentException(
            "cannot read tokens file " + file + ": " + e.getMessage());
      }
      String[] lines = text.split("\n");
      for (int i = 0; i < lines.length; i++) {
        if (lines[i].isBlank()) {
          continue;
        }
        String[] f = lines[i].split("\t", -1);
        try {
          Token t = parse(lines[i]);
          store.table.put(t.id(), line(t));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(
              "tokens file " + file + " line " + (i + 1) + " is not a token: " + e.getMessage());
        }
      }
    }
    return store;
  }

  /** A line of the file as a token; a bad line is an {@link IllegalArgumentException}. */
  private static Token parse(String text) {
    String[] f = text.split("\t", -1);
    if (f.length < 6
        || f.length > 7
        || !f[0].matches("[0-9a-f]{12}")
        || !f[5].matches("[0-9a-f]{64}")
        || (f.length == 7 && !f[6].matches(UserFile.User.FINGERPRINT))) {
      throw new IllegalArgumentException(
          "expected id, name, owner, role, created, hash, owner fingerprint");
    }
    return new Token(
        f[0],
        f[1],
        f[2],
        AccessRole.parse(f[3]),
        Long.parseLong(f[4]),
        f[5],
        f.length == 7 ? f[6] : null);
  }

  /** The token as a line of the file, without the newline. */
  private static String line(Token t) {
    return t.id()
        + '\t'
        + t.name()
        + '\t'
        + t.owner()
        + '\t'
        + t.role().wireName()
        + '\t'
        + t.createdAt()
        + '\t'
        + t.hash()
        + (t.ownerFingerprint() != null ? "\t" + t.ownerFingerprint() : "");
  }

  /** Where tokens are kept, or null when only in memory. */
  public Path file() {
    return file;
  }

  /**
   * Where the tokens live, as the API says it: {@code cluster} (every hub's shared table, written
   * to this hub's file too when it has one), {@code file}, or {@code memory} (lost at restart).
   */
  public String storage() {
    return shared ? "cluster" : file != null ? "file" : "memory";
  }

  /**
   * Makes a token named {@code name} for {@code owner} (bound to them as they are now) with {@code
   * role}; writes the file when there is one. A bad name, or too many tokens, is an {@link
   * IllegalArgumentException}; a failed write an {@link IOException}.
   */
  public synchronized Created create(String name, UserFile.User owner, AccessRole role)
      throws IOException {
    if (name == null || !name.matches("[A-Za-z0-9 ._@\\-]{1,64}") || name.isBlank()) {
      throw new IllegalArgumentException(
          "give the token a name: 1 to 64 letters, digits, spaces, '.', '-', '_' or '@'");
    }
    if (table.size() >= MAX_TOKENS) {
      throw new IllegalArgumentException(
          "there are already " + MAX_TOKENS + " tokens: delete some first");
    }
    byte[] idBytes = new byte[6];
    String id;
    do {
      random.nextBytes(idBytes);
      id = HexFormat.of().formatHex(idBytes);
    } while (table.containsKey(id));
    byte[] secretBytes = new byte[32];
    random.nextBytes(secretBytes);
    String secret =
        PREFIX + id + "_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secretBytes);
    Token token =
        new Token(
            id, name, owner.name(), role, clock.getAsLong(), sha256(secret), owner.fingerprint());
    table.put(id, line(token));
    try {
      save();
    } catch (IOException e) {
      table.remove(id);
      throw e;
    }
    return new Created(token, secret);
  }

  /** The tokens, oldest first. */
  public synchronized List<Token> list() {
    List<Token> out = new ArrayList<>();
    for (String l : List.copyOf(table.values())) {
      out.add(parse(l));
    }
    out.sort(java.util.Comparator.comparingLong(Token::createdAt).thenComparing(Token::id));
    return out;
  }

  /** Deletes token {@code id}; false when there is none. */
  public synchronized boolean revoke(String id) throws IOException {
    String removed = table.remove(id);
    if (removed == null) {
      return false;
    }
    try {
      save();
    } catch (IOException e) {
      table.put(id, removed);
      throw e;
    }
    return true;
  }

  /** The token {@code secret} is, or empty (unknown, revoked, or not a token at all). */
  public synchronized Optional<Token> authenticate(String secret) {
    if (secret == null
        || !secret.startsWith(PREFIX)
        || secret.length() != PREFIX.length() + 12 + 1 + 43) {
      return Optional.empty();
    }
    String found = table.get(secret.substring(PREFIX.length(), PREFIX.length() + 12));
    if (found == null) {
      return Optional.empty();
    }
    Token t = parse(found);
    boolean same =
        MessageDigest.isEqual(
            t.hash().getBytes(StandardCharsets.US_ASCII),
            sha256(secret).getBytes(StandardCharsets.US_ASCII));
    return same ? Optional.of(t) : Optional.empty();
  }

  /**
   * Whether {@code user} (as the users file has them now) is the user {@code token} was made for:
   * the same name and the same {@link UserFile.User#fingerprint}. A token refused here is logged,
   * once.
   */
  public synchronized boolean ownedBy(Token token, UserFile.User user) {
    if (token.owner().equals(user.name()) && user.fingerprint().equals(token.ownerFingerprint())) {
      return true;
    }
    if (refusalsLogged.add(token.id())) {
      LOG.warning(
          token.ownerFingerprint() == null
              ? "API token "
                  + token.id()
                  + " ("
                  + token.name()
                  + ") of "
                  + token.owner()
                  + " is refused: it was made"
                  + " before tokens were bound to their owner's password (an older Portolan); make a new one and delete it"
              : "API token "
                  + token.id()
                  + " ("
                  + token.name()
                  + ") is refused: it was made by an earlier "
                  + token.owner()
                  + " (the user was re-created or the password changed since); delete it");
    }
    return false;
  }

  private void save() throws IOException {
    if (file == null) {
      return;
    }
    StringBuilder out = new StringBuilder();
    for (Token t : list()) {
      out.append(line(t)).append('\n');
    }
    Path dir = file.toAbsolutePath().getParent();
    Path tmp = Files.createTempFile(dir, ".tokens", ".tmp");
    try {
      try {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException e) {
        // not a POSIX file system: keep the default permissions
      }
      Files.writeString(tmp, out, StandardCharsets.UTF_8);
      try {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
