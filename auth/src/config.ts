import { baseConfig, positiveInt, type ConfigOf } from '@ticketyboo/common';

/** The auth service's environment. */
export const authConfig = baseConfig.extend({
  /** Sign-ins + sign-ups per client IP per 10 minutes. */
  AUTH_ATTEMPTS_PER_IP: positiveInt().default(100),
  /** Wrong passwords per account per client IP per 15 minutes. */
  AUTH_FAILURES_PER_ACCOUNT: positiveInt().default(5),
  /** Attempts on one account from any IPs within 15 minutes before each further one is delayed. */
  AUTH_SLOWDOWN_AFTER: positiveInt().default(5),
  /** The first such delay; it doubles with each further attempt. */
  AUTH_SLOWDOWN_BASE_MS: positiveInt().default(1000),
  /** The longest delay: an account is slowed, never locked. */
  AUTH_SLOWDOWN_MAX_MS: positiveInt().default(15_000),
});

export type AuthConfig = ConfigOf<typeof authConfig>;
