package io.containercloud.gateway.limit;

/**
 * A login attempt's claim on the failure budgets of its account and client address. Only failed
 * attempts count (as OWASP advises): a caller that is let in tells {@link Allowed#succeeded()},
 * which gives the claim back, so logging in often is never limited while guessing is.
 */
public sealed interface LoginAttempt {

  /** Go ahead and check the credentials; the claim stands unless they turn out right. */
  final class Allowed implements LoginAttempt {

    private final Runnable giveBack;

    Allowed(Runnable giveBack) {
      this.giveBack = giveBack;
    }

    /** The credentials were right: the attempt does not count against the budgets. */
    public void succeeded() {
      giveBack.run();
    }
  }

  /**
   * Too many failed attempts lately: refuse without checking, even the right password.
   *
   * @param retryAfterSeconds when the next attempt will be allowed
   */
  record Refused(long retryAfterSeconds) implements LoginAttempt {}
}
