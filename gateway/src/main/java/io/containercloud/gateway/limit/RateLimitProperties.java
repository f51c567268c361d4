package io.containercloud.gateway.limit;

import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Rate limits of the gateway ({@code platform.gateway.rate-limits.*}), per gateway instance;
 * defaults in application.yml.
 *
 * @param user requests to services per user
 * @param tenant requests to services per tenant, all its users together
 * @param loginAccount login attempts per account name
 * @param loginAddress login attempts per client address
 */
@Validated
@ConfigurationProperties("platform.gateway.rate-limits")
public record RateLimitProperties(
    @Valid @NotNull Bucket user,
    @Valid @NotNull Bucket tenant,
    @Valid @NotNull Bucket loginAccount,
    @Valid @NotNull Bucket loginAddress) {

  /**
   * @param capacity requests allowed at once
   * @param perSecond requests regained each second
   */
  public record Bucket(@Min(1) int capacity, @DecimalMin("0.001") double perSecond) {}
}
