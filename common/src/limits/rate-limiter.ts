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
 * rate-limiter-flexible's PostgreSQL store over our Database port (it needs only
 * `query({text, values})`), so it shares the service's pool instead of opening connections of its
 * own. The table comes from the service's migrations, and the library's sweeping timer is off: one
 * row per key is reused window after window, and no timer outlives stop().
 */
export function postgresRateLimiter(db: Queryable, opts: { keyPrefix: string; points: number; duration: number }): RateLimiterPostgres {
  return new RateLimiterPostgres({
    storeClient: { query: (q: { text: string; values?: unknown[] }) => db.query(q.text, q.values) },
    storeType: 'client',
    tableName: 'rate_limits',
    tableCreated: true,
    clearExpiredByTimeout: false,
    ...opts,
  });
}

/** Counts one request for `key`; past the limit, refuses it: 429 with Retry-After and `message`. */
export async function consumeOrRefuse(limiter: RateLimiterPostgres, key: string, message: string): Promise<RateLimiterRes> {
  try {
    return await limiter.consume(key);
  } catch (err) {
    // The library rejects with a RateLimiterRes when over the limit, with an Error when the store fails.
    if (err instanceof RateLimiterRes) throw new TooManyRequestsError(Math.max(1, Math.ceil(err.msBeforeNext / 1000)), message);
    throw err;
  }
}

/**
 * A fixed-window counter per key (a user, an IP) in the service's own database, so every replica
 * counts the same requests; one upsert per request counts racing requests exactly.
 */
export class RateLimiter {
  private readonly limiter: RateLimiterPostgres;

  constructor(
    db: Queryable,
    private readonly limit: RateLimit,
  ) {
    this.limiter = postgresRateLimiter(db, { keyPrefix: limit.name, points: limit.points, duration: limit.windowSeconds });
  }

  /** Counts one request for `key`, refusing it (429 with Retry-After) past the limit. */
  async consume(key: string): Promise<void> {
    await consumeOrRefuse(this.limiter, key, this.limit.message);
  }
}
