import { z } from 'zod';
import { baseConfig, positiveInt, type ConfigOf } from '@ticketyboo/common';

/** The payments service's environment. */
export const paymentsConfig = baseConfig
  .extend({
    /** Unset: the test-mode stand-in. */
    STRIPE_SECRET_KEY: z.string().optional(),
    STRIPE_WEBHOOK_SECRET: z.string().optional(),
    CURRENCY: z
      .string()
      .regex(/^[a-zA-Z]{3}$/, { error: 'must be an ISO 4217 code, e.g. usd' })
      .transform((c) => c.toLowerCase())
      .default('usd'),
    /** How long a payment waits for a just-created order to reach the replica. */
    REPLICA_WAIT_MS: positiveInt().default(2000),
    /** Requests that may wait for the replica at once; beyond, one answers with what the replica has. */
    REPLICA_MAX_WAITERS: positiveInt().default(100),
    /** A waiting request re-reads this often, for what another replica's consumer applied (it wakes only its own). */
    REPLICA_RECHECK_MS: positiveInt().default(250),
  })
  .refine((c) => !c.STRIPE_SECRET_KEY || Boolean(c.STRIPE_WEBHOOK_SECRET), {
    error: 'must be set with STRIPE_SECRET_KEY',
    path: ['STRIPE_WEBHOOK_SECRET'],
  });

export type PaymentsConfig = ConfigOf<typeof paymentsConfig>;
