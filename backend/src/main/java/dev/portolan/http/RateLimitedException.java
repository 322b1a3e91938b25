package dev.portolan.http;

/**
 * A user over their rate limit: HTTP 429, with how long to wait ({@code Retry-After}, in whole
 * seconds).
 */
public final class RateLimitedException extends RequestException {
  private final long retryAfterSeconds;

  public RateLimitedException(String detail, long retryAfterSeconds) {
    super(429, "rate limited", detail);
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
