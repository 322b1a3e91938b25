package dev.portolan.limit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The per-user token buckets on a clock the test moves. */
class UserRateLimiterTest {
  private final AtomicLong now = new AtomicLong(1_000_000_000L);

  private void advance(Duration d) {
    now.addAndGet(d.toNanos());
  }

  @Test
  void aBurstThenTheRateAndHowLongToWait() {
    UserRateLimiter limiter = new UserRateLimiter(Rate.parse("10/min"), 5, 100, now::get);
    for (int i = 0; i < 5; i++) {
      assertTrue(limiter.tryAcquire("alice").allowed(), "attempt " + (i + 1) + " of the burst");
    }
    UserRateLimiter.Decision refused = limiter.tryAcquire("alice");
    assertFalse(refused.allowed());
    // 10 per minute: the next token comes 6 s after the bucket was emptied
    assertEquals(6, refused.retryAfterSeconds());
    assertTrue(
        refused.retryAfterNanos() > Duration.ofSeconds(5).toNanos(),
        String.valueOf(refused.retryAfterNanos()));

    advance(Duration.ofSeconds(3));
    UserRateLimiter.Decision stillRefused = limiter.tryAcquire("alice");
    assertFalse(stillRefused.allowed());
    assertEquals(3, stillRefused.retryAfterSeconds());

    advance(Duration.ofSeconds(3));
    assertTrue(limiter.tryAcquire("alice").allowed(), "one token back after 6 s");
    assertFalse(limiter.tryAcquire("alice").allowed(), "and only one");
  }

  @Test
  void checkTellsWithoutTakingAToken() {
    UserRateLimiter limiter = new UserRateLimiter(Rate.parse("10/min"), 2, 100, now::get);
    for (int i = 0; i < 5; i++) {
      assertTrue(limiter.check("10.0.0.9").allowed(), "checking takes nothing");
    }
    assertEquals(0, limiter.users(), "nor makes a bucket");
    assertTrue(limiter.tryAcquire("10.0.0.9").allowed());
    assertTrue(limiter.check("10.0.0.9").allowed());
    assertTrue(limiter.tryAcquire("10.0.0.9").allowed());
    UserRateLimiter.Decision empty = limiter.check("10.0.0.9");
    assertFalse(empty.allowed());
    assertEquals(6, empty.retryAfterSeconds());
    advance(Duration.ofSeconds(6));
    assertTrue(limiter.check("10.0.0.9").allowed(), "a token back after 6 s");
  }

  @Test
  void aTokenGivenBackCanBeTakenAgainButNeverBeyondTheBurst() {
    UserRateLimiter limiter = new UserRateLimiter(Rate.parse("10/min"), 2, 100, now::get);
    limiter.giveBack("10.0.0.9"); // no bucket yet: a full one, nothing to give back to
    assertTrue(limiter.tryAcquire("10.0.0.9").allowed());
    limiter.giveBack("10.0.0.9");
    limiter.giveBack("10.0.0.9");
    limiter.giveBack("10.0.0.9");
    assertTrue(limiter.tryAcquire("10.0.0.9").allowed());
    assertTrue(limiter.tryAcquire("10.0.0.9").allowed());
    assertFalse(limiter.tryAcquire("10.0.0.9").allowed(), "the burst is 2, however many came back");
  }

  @Test
  void usersHaveBucketsOfTheirOwn() {
    UserRateLimiter limiter = new UserRateLimiter(Rate.parse("1/h"), 2, 100, now::get);
    assertTrue(limiter.tryAcquire("alice").allowed());
    assertTrue(limiter.tryAcquire("alice").allowed());
    assertFalse(limiter.tryAcquire("alice").allowed());
    assertTrue(limiter.tryAcquire("bob").allowed(), "alice's use does not count against bob");
    assertTrue(limiter.tryAcquire("anonymous").allowed());
    assertEquals(3, limiter.users());
  }

  @Test
  void idleUsersAreForgottenOnceTheirBucketWouldBeFullAgain() {
    UserRateLimiter limiter = new UserRateLimiter(Rate.parse("60/min"), 3, 100, now::get);
    limiter.tryAcquire("alice");
    limiter.tryAcquire("bob");
    assertEquals(2, limiter.users());
    advance(Duration.ofSeconds(2));
    assertEquals(2, limiter.users(), "3 tokens at 1/s take 3 s to come back");
    limiter.tryAcquire("bob");
    advance(Duration.ofMillis(1_500));
    assertEquals(
        1, limiter.users(), "alice idle for 3.5 s is forgotten, bob (seen 1.5 s ago) is not");
  }

  @Test
  void atMostMaxUsersAreKept() {
    UserRateLimiter limiter = new UserRateLimiter(Rate.parse("1/h"), 1, 3, now::get);
    for (int i = 0; i < 50; i++) {
      assertTrue(limiter.tryAcquire("user-" + i).allowed());
    }
    assertTrue(limiter.users() <= 3, String.valueOf(limiter.users()));
  }

  @Test
  void offAllowsEverything() {
    UserRateLimiter limiter = new UserRateLimiter(Rate.parse("off"), 1, 10, now::get);
    for (int i = 0; i < 1000; i++) {
      assertTrue(limiter.tryAcquire("alice").allowed());
    }
    assertEquals(0, limiter.users());
  }

  @Test
  void ratesParseAndBadOnesSayWhatIsAccepted() {
    assertEquals(new Rate(10, Duration.ofMinutes(1)), Rate.parse("10/min"));
    assertEquals(new Rate(2, Duration.ofSeconds(1)), Rate.parse(" 2/s "));
    assertEquals(new Rate(600, Duration.ofHours(1)), Rate.parse("600/hour"));
    assertEquals("10/min", Rate.parse("10/minute").text());
    assertEquals("10 scans per minute", Rate.parse("10/m").words("scans"));
    assertEquals(null, Rate.parse("off"));
    for (String bad : new String[] {"10", "ten/min", "10/day", "-1/s", "/s", "10/", "2000000/s"}) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> Rate.parse(bad), bad);
      assertTrue(
          e.getMessage().contains("10/min") || e.getMessage().contains("from 1 to"),
          e.getMessage());
    }
  }

  @Test
  void settingsHaveSensibleDefaultsAndOneLineErrors() {
    RateLimitSettings d = RateLimitSettings.fromConfig(java.util.Map.of());
    assertEquals(RateLimitSettings.defaults(), d);
    assertEquals("10/min", d.scanRate().text());
    assertEquals(5, d.scanBurst());
    assertEquals("120/min", d.checkRate().text());
    RateLimitSettings set =
        RateLimitSettings.fromConfig(
            java.util.Map.of(
                "scanRate", "3/s", "scanBurst", 7, "checkRate", "off", "checkBurst", "2"));
    assertEquals("3/s", set.scanRate().text());
    assertEquals(7, set.scanBurst());
    assertEquals(null, set.checkRate());
    assertEquals(2, set.checkBurst());
    IllegalArgumentException rate =
        assertThrows(
            IllegalArgumentException.class,
            () -> RateLimitSettings.fromConfig(java.util.Map.of("scanRate", "fast")));
    assertEquals(
        "invalid scanRate 'fast': write it like 10/min, 2/s or 600/h (or off)", rate.getMessage());
    IllegalArgumentException burst =
        assertThrows(
            IllegalArgumentException.class,
            () -> RateLimitSettings.fromConfig(java.util.Map.of("checkBurst", "0")));
    assertEquals("invalid checkBurst '0': it must be from 1 to 100000", burst.getMessage());
  }
}
