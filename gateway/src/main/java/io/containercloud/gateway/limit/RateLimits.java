package io.containercloud.gateway.limit;

import org.springframework.stereotype.Component;

/** The gateway's four limits; each call takes a token and says how long to wait when refused. */
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

  /** Zero when this account may try to log in from this address now, else the seconds to wait. */
  public long login(String account, String address) {
    long wait = addresses.take(address);
    return wait > 0 ? wait : accounts.take(account);
  }

  /** Zero when this address may try to log in now, else the seconds to wait. */
  public long loginFrom(String address) {
    return addresses.take(address);
  }

  private static TokenBuckets buckets(RateLimitProperties.Bucket bucket) {
    return new TokenBuckets(bucket.capacity(), bucket.perSecond());
  }
}
