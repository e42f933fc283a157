import type { RateLimiterPostgres } from 'rate-limiter-flexible';
import { consumeOrRefuse, postgresRateLimiter, type Database } from '@ticketyboo/common';

export interface AttemptLimits {
  /** Sign-ins and sign-ups from one IP address per window. */
  perIp: number;
  ipWindowSeconds: number;
  /** Password attempts for one account from one IP address per window; the owner's success clears them. */
  failuresPerAccount: number;
  failureWindowSeconds: number;
  /** Attempts on one account from any address before each further one is delayed. */
  slowdownAfter: number;
  slowdownBaseMs: number;
  slowdownMaxMs: number;
}

export type Sleep = (ms: number) => Promise<void>;

const TABLE = 'rate_limits';

/**
 * Slows password guessing without handing attackers a way to lock people out. Every attempt
 * counts against the caller's IP; password attempts also count against the account *as tried
 * from that IP*, so a guesser elsewhere never blocks the owner's own sign-in, and the owner's
 * correct password clears their own count. Across all IPs an account is only ever slowed down
 * (a growing, capped delay), never closed.
 *
 * Each attempt is counted by one atomic upsert (rate-limiter-flexible's RateLimiterPostgres) before
 * the password is checked: counting failures afterwards let 30 parallel guesses all through.
 */
export class AttemptLimiter {
  private readonly byIp: RateLimiterPostgres;
  private readonly byAccountFromIp: RateLimiterPostgres;
  private readonly byAccount: RateLimiterPostgres;

  constructor(
    private readonly db: Database,
    private readonly limits: AttemptLimits,
    private readonly sleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  ) {
    this.byIp = this.limiter('ip', limits.perIp, limits.ipWindowSeconds);
    this.byAccountFromIp = this.limiter('account-ip', limits.failuresPerAccount, limits.failureWindowSeconds);
    // Never refuses (points it cannot reach): it only counts, for the delay.
    this.byAccount = this.limiter('account', Number.MAX_SAFE_INTEGER, limits.failureWindowSeconds);
  }

  /** Counts an attempt from `ip` (on `account`, if any): refuses it (429) past a limit, or delays it. */
  async attempt(ip: string, account?: string): Promise<void> {
    await consumeOrRefuse(this.byIp, ip, 'Too many attempts; try again later');
    if (account === undefined) return;
    await consumeOrRefuse(this.byAccountFromIp, accountFromIp(account, ip), 'Too many wrong passwords; try again later');
    const { consumedPoints } = await this.byAccount.consume(account);
    const delay = this.delayFor(consumedPoints);
    if (delay > 0) await this.sleep(delay);
  }

  /** The owner got the password right: their typos, here and elsewhere, are forgotten. */
  async succeeded(ip: string, account: string): Promise<void> {
    await this.byAccountFromIp.delete(accountFromIp(account, ip));
    await this.byAccount.delete(account);
  }

  /** Rows whose window has ended; the library's own timer is off so that nothing outlives stop(). */
  async sweep(): Promise<void> {
    await this.db.query(`DELETE FROM ${TABLE} WHERE expire < $1`, [Date.now()]);
  }

  /** Doubles from the base with each attempt past the threshold, up to the cap. */
  private delayFor(attempt: number): number {
    const excess = attempt - this.limits.slowdownAfter;
    if (excess <= 0) return 0;
    return Math.min(this.limits.slowdownBaseMs * 2 ** Math.min(excess - 1, 30), this.limits.slowdownMaxMs);
  }

  private limiter(keyPrefix: string, points: number, duration: number): RateLimiterPostgres {
    return postgresRateLimiter(this.db, { keyPrefix, points, duration });
  }
}

const accountFromIp = (account: string, ip: string) => `${account}|ip:${ip}`;
