package io.containercloud.gateway.limit;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Component;
import org.springframework.web.ErrorResponseException;

/**
 * The gateway's four limits: requests per user and per tenant, failed logins per account and per
 * client address. Each call takes a token and says how long to wait when refused.
 */
@Component
public class RateLimits {

  private final TokenBuckets users;
  private final TokenBuckets tenants;
  private final TokenBuckets accounts;
  private final TokenBuckets addresses;

  RateLimits(RateLimitProperties properties) {
    this.users = buckets(properties.user());
    this.tenants = buckets(properties.tenant());
    this.accounts = buckets(properties.loginAccount());
    this.addresses = buckets(properties.loginAddress());
  }

  /** Zero when the user and the tenant may call now, else the seconds to wait. */
  public long request(String user, String tenant) {
    long wait = users.take(user);
    return wait > 0 ? wait : tenants.take(tenant);
  }

  /**
   * A password login for {@code account} from {@code address}: refused while either has used up its
   * failed attempts, else allowed and counted as a failure until it {@link
   * LoginAttempt.Allowed#succeeded() succeeds}. Taking first and giving back on success (rather
   * than counting after a failure) keeps parallel guesses within the limit too.
   */
  public LoginAttempt login(String account, String address) {
    long wait = addresses.take(address);
    if (wait > 0) {
      return new LoginAttempt.Refused(wait);
    }
    // the store compares names without case: so does the limit, or ADMIN would be a new budget
    String key = account.toLowerCase(Locale.ROOT);
    wait = accounts.take(key);
    if (wait > 0) {
      addresses.giveBack(address); // not checked, so not a failure
      return new LoginAttempt.Refused(wait);
    }
    return new LoginAttempt.Allowed(
        () -> {
          accounts.giveBack(key);
          addresses.giveBack(address);
        });
  }

  /** An exchange of an external ID token from {@code address}, limited like a login. */
  public LoginAttempt loginFrom(String address) {
    long wait = addresses.take(address);
    return wait > 0
        ? new LoginAttempt.Refused(wait)
        : new LoginAttempt.Allowed(() -> addresses.giveBack(address));
  }

  /**
   * 429 problem details saying when to retry: {@code Retry-After} and the same time in the detail
   * and as {@code retryAfterSeconds}.
   */
  public static ErrorResponseException tooManyRequests(String what, long waitSeconds) {
    ProblemDetail body =
        ProblemDetail.forStatusAndDetail(
            HttpStatus.TOO_MANY_REQUESTS,
            what
                + "; retry in "
                + waitSeconds
                + " s (after "
                + Instant.now().plusSeconds(waitSeconds).truncatedTo(ChronoUnit.SECONDS)
                + ").");
    body.setProperty("retryAfterSeconds", waitSeconds);
    ErrorResponseException refusal =
        new ErrorResponseException(HttpStatus.TOO_MANY_REQUESTS, body, null);
    refusal.getHeaders().set(HttpHeaders.RETRY_AFTER, Long.toString(waitSeconds));
    return refusal;
  }

  private static TokenBuckets buckets(RateLimitProperties.Bucket bucket) {
    return new TokenBuckets(bucket.capacity(), bucket.perSecond());
  }
}
