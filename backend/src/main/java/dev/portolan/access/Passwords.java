package dev.portolan.access;

import io.vertx.ext.auth.hashing.HashingStrategy;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;

/**
 * Password hashes as vertx-auth-common writes them: PBKDF2 with HMAC-SHA512, {@value #ITERATIONS}
 * iterations and a random 16-byte salt, encoded {@code $pbkdf2$it=N$salt$hash}. Verifying one costs
 * tens of milliseconds of CPU on purpose: never on an event loop.
 */
public final class Passwords {
  public static final int ITERATIONS = 210_000;
  private static final HashingStrategy STRATEGY = HashingStrategy.load();
  private static final SecureRandom RANDOM = new SecureRandom();

  /**
   * Verified against when the user is unknown, so an unknown name costs what a wrong password
   * costs.
   */
  private static final String DUMMY = hash("not a password");

  private Passwords() {}

  /** A new hash of {@code password} with a fresh salt. */
  public static String hash(String password) {
    byte[] salt = new byte[16];
    RANDOM.nextBytes(salt);
    return STRATEGY.hash(
        "pbkdf2",
        Map.of("it", String.valueOf(ITERATIONS)),
        Base64.getEncoder().withoutPadding().encodeToString(salt),
        password);
  }

  /**
   * Whether {@code password} matches {@code hash} (false for a hash that is not a well-formed
   * pbkdf2 one).
   */
  public static boolean verify(String hash, String password) {
    if (!wellFormed(hash)) {
      return false;
    }
    try {
      return STRATEGY.verify(hash, password);
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** Spends the time of one verification, for an unknown user name. */
  public static void verifyNothing(String password) {
    STRATEGY.verify(DUMMY, password);
  }

  /** {@code $pbkdf2$it=N$salt$hash} with N from 10000 to 10000000. */
  public static boolean wellFormed(String hash) {
    if (hash == null
        || !hash.matches("\\$pbkdf2\\$it=[0-9]{5,8}\\$[A-Za-z0-9+/=]+\\$[A-Za-z0-9+/=]+")) {
      return false;
    }
    long it =
        Long.parseLong(
            hash.substring("$pbkdf2$it=".length(), hash.indexOf('$', "$pbkdf2$it=".length())));
    return it >= 10_000 && it <= 10_000_000;
  }
}
