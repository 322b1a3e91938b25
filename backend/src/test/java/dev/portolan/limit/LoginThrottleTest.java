package dev.portolan.limit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Tries admitted per address: a token taken before the check, given back for a right password;
 * hashes at once.
 */
class LoginThrottleTest {
  private final AtomicLong now = new AtomicLong(1_000_000_000L);

  private LoginThrottle throttle(int burst, int perClient, int total) {
    return new LoginThrottle(
        new UserRateLimiter(Rate.parse("10/min"), burst, 100, now::get), perClient, total);
  }

  private static LoginThrottle.Admitted admitted(LoginThrottle.Admission a) {
    return assertInstanceOf(LoginThrottle.Admitted.class, a);
  }

  private static LoginThrottle.Reason refused(LoginThrottle.Admission a) {
    return assertInstanceOf(LoginThrottle.Refused.class, a).reason();
  }

  @Test
  void tryingTakesATokenBeforeTheCheckSoTriesInFlightCountToo() {
    LoginThrottle t = throttle(3, 3, 3);
    List<LoginThrottle.Admitted> inFlight = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      inFlight.add(admitted(t.tryLogin("10.0.0.1")));
    }
    // none has failed yet, and still the burst is spent: a fourth waits for a token, not for the
    // failures
    inFlight.forEach(LoginThrottle.Admitted::wrongPassword);
    LoginThrottle.Refused r = assertInstanceOf(LoginThrottle.Refused.class, t.tryLogin("10.0.0.1"));
    assertEquals(LoginThrottle.Reason.TOO_MANY_FAILURES, r.reason());
    assertEquals(6, r.retryAfterSeconds(), "10 a minute: a token back in 6 s");
    now.addAndGet(Duration.ofSeconds(6).toNanos());
    admitted(t.tryLogin("10.0.0.1")).wrongPassword();
    assertEquals(LoginThrottle.Reason.TOO_MANY_FAILURES, refused(t.tryLogin("10.0.0.1")));
    assertEquals(4, t.admitted());
  }

  @Test
  void aRightPasswordOrAnUncheckedOneGivesTheTokenBack() {
    LoginThrottle t = throttle(2, 2, 2);
    for (int i = 0; i < 10; i++) {
      admitted(t.tryLogin("10.0.0.1")).rightPassword();
      admitted(t.tryLogin("10.0.0.1")).notChecked();
    }
    LoginThrottle.Admitted wrong = admitted(t.tryLogin("10.0.0.1"));
    wrong.wrongPassword();
    wrong.rightPassword(); // a second report of the same try changes nothing
    admitted(t.tryLogin("10.0.0.1")).wrongPassword();
    assertEquals(LoginThrottle.Reason.TOO_MANY_FAILURES, refused(t.tryLogin("10.0.0.1")));
  }

  @Test
  void onlySoManyChecksAtOncePerAddressAndInAll() {
    LoginThrottle t = throttle(10, 2, 3);
    LoginThrottle.Admitted a1 = admitted(t.tryLogin("10.0.0.1"));
    admitted(t.tryLogin("10.0.0.1"));
    assertEquals(LoginThrottle.Reason.TOO_MANY_AT_ONCE, refused(t.tryLogin("10.0.0.1")));
    LoginThrottle.Admitted b1 = admitted(t.tryLogin("10.0.0.2"));
    assertEquals(LoginThrottle.Reason.BUSY, refused(t.tryLogin("10.0.0.3")));
    assertEquals(3, t.checking());
    a1.wrongPassword();
    b1.rightPassword();
    admitted(t.tryLogin("10.0.0.1"));
    admitted(t.tryLogin("10.0.0.3"));
    assertEquals(3, t.admitted() - 2, "refusals at once take no token: 5 admitted");
  }

  @Test
  void boundsMustMakeSense() {
    assertThrows(IllegalArgumentException.class, () -> throttle(10, 0, 4));
    assertThrows(IllegalArgumentException.class, () -> throttle(10, 3, 2));
  }
}
