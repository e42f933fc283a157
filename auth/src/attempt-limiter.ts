import { TooManyRequestsError, type Database } from '@ticketyboo/common';
import type { ThrottleRepository } from './throttle-repository';

export interface AttemptLimits {
  /** Sign-ins and sign-ups from one IP address per window. */
  perIp: number;
  ipWindowSeconds: number;
  /** Wrong passwords for one account from one IP address per window. */
  failuresPerAccount: number;
  failureWindowSeconds: number;
}

/**
 * Slows password guessing without handing attackers a way to lock people out. Every attempt
 * counts against the caller's IP; wrong passwords also count against the account *as tried from
 * that IP*, so a guesser elsewhere never blocks the owner's own sign-in, and the owner's correct
 * password clears their own count.
 */
export class AttemptLimiter {
  constructor(
    private readonly db: Database,
    private readonly throttle: ThrottleRepository,
    private readonly limits: AttemptLimits,
  ) {}

  /** Counts an attempt from `ip`, refusing it (429) past the limit or while that account is cooling down. */
  async attempt(ip: string, email?: string): Promise<void> {
    const byIp = await this.throttle.hit(this.db, `ip:${ip}`, this.limits.ipWindowSeconds);
    if (byIp.hits > this.limits.perIp) throw new TooManyRequestsError(byIp.resetsInSeconds);
    if (email === undefined) return;
    const failures = await this.throttle.peek(this.db, accountBucket(email, ip));
    if (failures.hits >= this.limits.failuresPerAccount) {
      throw new TooManyRequestsError(failures.resetsInSeconds, 'Too many wrong passwords; try again later');
    }
  }

  async failed(ip: string, email: string): Promise<void> {
    await this.throttle.hit(this.db, accountBucket(email, ip), this.limits.failureWindowSeconds);
  }

  async succeeded(ip: string, email: string): Promise<void> {
    await this.throttle.clear(this.db, accountBucket(email, ip));
  }

  sweep(): Promise<void> {
    return this.throttle.deleteExpired(this.db);
  }
}

const accountBucket = (email: string, ip: string) => `account:${email}|ip:${ip}`;
