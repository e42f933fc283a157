import type { Logger } from '@ticketyboo/common';
import type { Scheduler } from './scheduler';

// setTimeout fires at once for anything longer (and warns): longer delays are waited out in steps.
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/**
 * In-process timers, for the single-process runtime without Redis. They die with the process;
 * the service reschedules every pending expiry on start.
 */
export class TimerScheduler implements Scheduler {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly firing = new Set<Promise<void>>();
  private fire: ((orderId: string) => Promise<void>) | undefined;

  constructor(private readonly log: Logger) {}

  async start(fire: (orderId: string) => Promise<void>): Promise<void> {
    this.fire = fire;
  }

  async schedule(orderId: string, at: Date): Promise<void> {
    if (!this.fire) throw new Error('scheduler is not started');
    if (this.timers.has(orderId)) return;
    this.arm(orderId, at.getTime());
  }

  async cancel(orderId: string): Promise<void> {
    clearTimeout(this.timers.get(orderId));
    this.timers.delete(orderId);
  }

  async stop(): Promise<void> {
    this.fire = undefined;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    await Promise.all(this.firing);
  }

  private arm(orderId: string, at: number): void {
    const delay = Math.max(0, at - Date.now());
    const timer = setTimeout(() => {
      // Node measures timers from a loop time that can lag the wall clock by a few ms, so a timer
      // can come early; it is only due when the wall clock says so.
      if (Date.now() < at) this.arm(orderId, at);
      else this.run(orderId);
    }, Math.min(delay, MAX_TIMEOUT_MS));
    // A pending expiry must not keep the process alive: the table outlives it.
    timer.unref();
    this.timers.set(orderId, timer);
  }

  private run(orderId: string): void {
    this.timers.delete(orderId);
    const fire = this.fire;
    if (!fire) return;
    const p = fire(orderId)
      .catch((err: unknown) => this.log.warn({ err, orderId }, 'expiry failed; the sweeper will retry it'))
      .finally(() => this.firing.delete(p));
    this.firing.add(p);
  }
}
