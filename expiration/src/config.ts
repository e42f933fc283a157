import { z } from 'zod';
import { baseConfig, urlVar, type ConfigOf } from '@ticketyboo/common';

/** The expiration service's environment. */
export const expirationConfig = baseConfig.extend({
  /** Redis for BullMQ's delayed jobs; unset: in-process timers (one process only). */
  REDIS_URL: urlVar('redis://127.0.0.1:6379').optional(),
  EXPIRATION_QUEUE: z.string().default('expiration'),
  BULLMQ_PREFIX: z.string().default('bull'),
});

export type ExpirationConfig = ConfigOf<typeof expirationConfig>;
