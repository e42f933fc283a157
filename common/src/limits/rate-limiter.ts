import { RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import type { Queryable } from '../db/database';
import { TooManyRequestsError } from '../errors/http-errors';

/**
 * The store's table, for a service's own migrations (a common migration would collide with
 * auth's table of the same shape). `key` is text: a key may be longer than the library's 255.
 */
export const RATE_LIMITS_TABLE_SQL = `
  CREATE TABLE rate_limits (
    key text PRIMARY KEY,
    points integer NOT NULL DEFAULT 0,
    -- The window's end, in epoch milliseconds.
    expire bigint
  );`;

export interface RateLimit {
  /** Names the counter: keys are `<name>:<key>` in the shared table. */
  name: string;
  /** Requests allowed per key per window. */
  points: number;
  windowSeconds: number;
  /** What a refused caller is told (with Retry-After). */
  message: string;
}

/**
 * A fixed-window counter per key (a user, an IP) in the service's own database, so every replica
 * counts the same requests: rate-limiter-flexible's PostgreSQL store, whose one upsert per
 * request counts racing requests exactly. Fed our Database port rather than a `pg` pool, it
 * runs on the PostgreSQL server and on embedded PGlite alike.
 */
export class RateLimiter {
  private readonly limiter: RateLimiterPostgres;

  constructor(
    db: Queryable,
    private readonly limit: RateLimit,
  ) {
    this.limiter = new RateLimiterPostgres({
      // The store calls `query({text, values})` as on a `pg` client; its statement names are only a cache hint.
      storeClient: { query: (q: { text: string; values?: unknown[] }) => db.query(q.text, q.values) },
      storeType: 'client',
      // Created by the service's own migrations (auth has one too), not by the store on its own schedule.
      tableName: 'rate_limits',
      tableCreated: true,
      // One row per key, reused window after window: nothing to sweep, and no timer outlives stop().
      clearExpiredByTimeout: false,
      keyPrefix: limit.name,
      points: limit.points,
      duration: limit.windowSeconds,
    });
  }

  /** Counts one request for `key`, refusing it (429 with Retry-After) past the limit. */
  async consume(key: string): Promise<void> {
    try {
      await this.limiter.consume(key);
    } catch (err) {
      if (err instanceof RateLimiterRes) throw new TooManyRequestsError(Math.max(1, Math.ceil(err.msBeforeNext / 1000)), this.limit.message);
      throw err;
    }
  }
}
