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
  private final Map<String, Token> tokens = new LinkedHashMap<>();

  /**
   * Tokens refused for their owner already logged, so that a scraper's every try does not log
   * again.
   */
  private final Set<String> refusalsLogged = new HashSet<>();

  private TokenStore(Path file, LongSupplier clock) {
    this.file = file;
    this.clock = clock;
  }

  /** Tokens in memory only (lost at restart). */
  public static TokenStore inMemory() {
    return new TokenStore(null, System::currentTimeMillis);
  }

  /**
   * Tokens kept in {@code file}, read now if it exists; a bad file is an {@link
   * IllegalArgumentException}.
   */
  public static TokenStore persistent(Path file) {
    TokenStore store = new TokenStore(file, System::currentTimeMillis);
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
          if (f.length < 6
              || f.length > 7
              || !f[0].matches("[0-9a-f]{12}")
              || !f[5].matches("[0-9a-f]{64}")
              || (f.length == 7 && !f[6].matches(UserFile.User.FINGERPRINT))) {
            throw new IllegalArgumentException(
                "expected id, name, owner, role, created, hash, owner fingerprint");
          }
          store.tokens.put(
              f[0],
              new Token(
                  f[0],
                  f[1],
                  f[2],
                  AccessRole.parse(f[3]),
                  Long.parseLong(f[4]),
                  f[5],
                  f.length == 7 ? f[6] : null));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(
              "tokens file " + file + " line " + (i + 1) + " is not a token: " + e.getMessage());
        }
      }
    }
    return store;
  }

  /** Where tokens are kept, or null when only in memory. */
  public Path file() {
    return file;
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
    if (tokens.size() >= MAX_TOKENS) {
      throw new IllegalArgumentException(
          "there are already " + MAX_TOKENS + " tokens: delete some first");
    }
    byte[] idBytes = new byte[6];
    String id;
    do {
      random.nextBytes(idBytes);
      id = HexFormat.of().formatHex(idBytes);
    } while (tokens.containsKey(id));
    byte[] secretBytes = new byte[32];
    random.nextBytes(secretBytes);
    String secret =
        PREFIX + id + "_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secretBytes);
    Token token =
        new Token(
            id, name, owner.name(), role, clock.getAsLong(), sha256(secret), owner.fingerprint());
    tokens.put(id, token);
    try {
      save();
    } catch (IOException e) {
      tokens.remove(id);
      throw e;
    }
    return new Created(token, secret);
  }

  /** The tokens, oldest first. */
  public synchronized List<Token> list() {
    return new ArrayList<>(tokens.values());
  }

  /** Deletes token {@code id}; false when there is none. */
  public synchronized boolean revoke(String id) throws IOException {
    Token removed = tokens.remove(id);
    if (removed == null) {
      return false;
    }
    try {
      save();
    } catch (IOException e) {
      tokens.put(id, removed);
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
    Token t = tokens.get(secret.substring(PREFIX.length(), PREFIX.length() + 12));
    if (t == null) {
      return Optional.empty();
    }
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
    for (Token t : tokens.values()) {
      out.append(t.id())
          .append('\t')
          .append(t.name())
          .append('\t')
          .append(t.owner())
          .append('\t')
          .append(t.role().wireName())
          .append('\t')
          .append(t.createdAt())
          .append('\t')
          .append(t.hash());
      if (t.ownerFingerprint() != null) {
        out.append('\t').append(t.ownerFingerprint());
      }
      out.append('\n');
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
