import { expirationLateness, type Database, type EventData, type Logger, type Outbox, type Tx } from '@ticketyboo/common';
import type { PendingExpiry } from './expiry';
import type { ExpiryRepository } from './expiry-repository';
import type { Scheduler } from './scheduler';

export interface ExpiryOptions {
  /** The sweeper takes expiries overdue by more than this: by then their timer should have fired. */
  sweepGraceMs: number;
  sweepBatch: number;
  rescheduleBatch: number;
}

/**
 * The expiry rules. A pending expiry is a row of `expirations`; the scheduler is only its alarm
 * clock. Firing deletes the row and, in the same transaction, closes the order and publishes
 * order.expired: the row lock and the key of closed_orders make that happen once however many
 * timers, replicas and sweeps reach for it, and a timer whose row never committed, or was since
 * cancelled, fires as a no-op. That is also why scheduling is best effort: when it fails (Redis
 * away), the sweeper still expires the order, about a second late.
 */
export class ExpiryService {
  constructor(
    private readonly db: Database,
    private readonly outbox: Outbox,
    private readonly expiries: ExpiryRepository,
    private readonly scheduler: Scheduler,
    private readonly log: Logger,
    private readonly opts: ExpiryOptions,
  ) {}

  async onOrderCreated(tx: Tx, order: EventData<'order.created'>): Promise<void> {
    // Cancelled, paid or expired already: a late or repeated order.created must not arm it again.
    if (await this.expiries.isClosed(tx, order.id)) return;
    const expiry = { orderId: order.id, version: order.version, expiresAt: new Date(order.expiresAt) };
    if (expiry.expiresAt.getTime() <= Date.now()) {
      // Already due (e.g. a backlog after an outage): expire it in this transaction, where no
      // timer can race the commit, together with any copy an earlier delivery left pending.
      await this.expiries.take(tx, order.id);
      await this.expire(tx, [expiry]);
      return;
    }
    if (!(await this.expiries.insert(tx, expiry))) return;
    const err = await this.arm(expiry);
    if (err !== undefined) this.log.warn({ err, orderId: order.id }, 'could not schedule an expiry; the sweeper will expire it');
  }

  async onOrderCancelled(tx: Tx, order: EventData<'order.cancelled'>): Promise<void> {
    await this.close(tx, order.id);
  }

  async onChargeCreated(tx: Tx, charge: EventData<'charge.created'>): Promise<void> {
    // A failed charge leaves the order to its buyer's retry, its expiry or its cancel.
    if (charge.status !== 'succeeded') return;
    await this.close(tx, charge.orderId);
  }

  /** The scheduler's callback: expires the order if it is still pending. */
  async fire(orderId: string): Promise<void> {
    await this.outbox.transaction(async (tx) => {
      const expiry = await this.expiries.take(tx, orderId);
      if (expiry) await this.expire(tx, [expiry]);
    });
  }

  /** Expires what is overdue beyond the grace period: the safety net for lost or late timers. */
  async sweep(): Promise<number> {
    let total = 0;
    for (;;) {
      const taken = await this.outbox.transaction(async (tx) => {
        const overdue = await this.expiries.takeOverdue(tx, this.opts.sweepGraceMs, this.opts.sweepBatch);
        await this.expire(tx, overdue);
        return overdue.length;
      });
      total += taken;
      if (taken < this.opts.sweepBatch) return total;
    }
  }

  /** Schedules every pending expiry again, so a scheduler that lost its state (Redis flushed) is rebuilt. */
  async reschedulePending(): Promise<number> {
    let count = 0;
    let last: PendingExpiry | undefined;
    for (;;) {
      const page = await this.expiries.listPending(this.db, this.opts.rescheduleBatch, last);
      const errors = (await Promise.all(page.map((e) => this.arm(e)))).filter((err) => err !== undefined);
      if (errors.length > 0) {
        // One line for the lot: with Redis away, every row fails alike.
        this.log.warn({ err: errors[0], failed: errors.length }, 'could not reschedule expiries; the sweeper will expire them');
      }
      count += page.length;
      last = page[page.length - 1];
      if (page.length < this.opts.rescheduleBatch) return count;
    }
  }

  private async close(tx: Tx, orderId: string): Promise<void> {
    await this.expiries.markClosed(tx, [orderId]);
    await this.expiries.take(tx, orderId);
    try {
      await this.scheduler.cancel(orderId);
    } catch (err) {
      // Harmless: the timer will find no row.
      this.log.warn({ err, orderId }, 'could not cancel an expiry timer; it will fire as a no-op');
    }
  }

  /**
   * Publishes order.expired for the orders this transaction closes. One that was closed already
   * (its cancel overtook its order.created, and both committed) stays quiet.
   */
  private async expire(tx: Tx, expiries: PendingExpiry[]): Promise<void> {
    const closedNow = new Set(await this.expiries.markClosed(tx, expiries.map((e) => e.orderId)));
    for (const e of expiries) {
      if (!closedNow.has(e.orderId)) continue;
      await tx.publish('order.expired', { id: e.orderId, version: e.version });
      expirationLateness.observe(Math.max(0, Date.now() - e.expiresAt.getTime()) / 1000);
    }
  }

  /** Schedules the expiry; resolves with the error instead of throwing, as the sweeper makes a failure good. */
  private async arm(expiry: PendingExpiry): Promise<unknown> {
    try {
      await this.scheduler.schedule(expiry.orderId, expiry.expiresAt);
      return undefined;
    } catch (err) {
      return err ?? new Error('schedule failed');
    }
  }
}
