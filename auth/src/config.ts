import { baseConfig, positiveInt, type ConfigOf } from '@ticketyboo/common';

/** The auth service's environment. */
export const authConfig = baseConfig.extend({
  /** Sign-ins + sign-ups per client IP per 10 minutes. */
  AUTH_ATTEMPTS_PER_IP: positiveInt().default(100),
  /** Wrong passwords per account per client IP per 15 minutes. */
  AUTH_FAILURES_PER_ACCOUNT: positiveInt().default(5),
});

export type AuthConfig = ConfigOf<typeof authConfig>;
