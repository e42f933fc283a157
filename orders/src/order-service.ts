import { randomUUID } from 'node:crypto';
import {
  ConflictError,
  ForbiddenError,
  isUniqueViolation,
  NotFoundError,
  type Database,
  type EventData,
  type Outbox,
  type RateLimiter,
  type ReplicaWaiters,
  type Tx,
} from '@ticketyboo/common';
import { cancelledEvent, createdEvent, type Order } from './order';
import { ONE_HOLDER_PER_TICKET, type OrderRepository } from './order-repository';
import type { ReplicaTicket, TicketReplicaRepository } from './ticket-replica-repository';

export interface OrderRules {
  /** How long an order holds its ticket while the buyer pays. */
  lockSeconds: number;
  /** How long to wait for a just-listed ticket to reach this service's replica before a 404. */
  replicaWaitMs: number;
  /** Unpaid orders one buyer may hold at once, so nobody can lock up a whole event's tickets. */
  maxUnpaidOrders: number;
}

const RESERVED = 'Ticket is already reserved';

/**
 * Orders are the lock. The database decides who gets a ticket: a partial unique index admits
 * one order per ticket that is unpaid or paid, so racing buyers get one order and 409s, never
 * two orders. An unpaid order past its expiry holds nothing, even before its expiry event
 * arrives: the next buyer's order cancels it in the same transaction.
 */
export class OrderService {
  constructor(
    private readonly db: Database,
    private readonly outbox: Outbox,
    private readonly orders: OrderRepository,
    private readonly tickets: TicketReplicaRepository,
    private readonly placements: RateLimiter,
    private readonly waiters: ReplicaWaiters,
    private readonly rules: OrderRules,
  ) {}

  /**
   * `seenPriceCents` is the price the buyer was shown. This service's copy of the ticket may lag a
   * price edit by a few milliseconds, so it waits for the copy to agree; a price that changed after
   * the buyer looked is a 409, never a charge the buyer did not agree to.
   */
  async place(buyerId: string, ticketId: string, seenPriceCents?: number): Promise<Order> {
    await this.placements.consume(buyerId);
    const { ticket, held } = await this.waitForTicket(ticketId, (t) => seenPriceCents === undefined || t.priceCents === seenPriceCents);
    if (ticket.userId === buyerId) throw new ForbiddenError('You cannot buy your own ticket');
    if (held) throw new ConflictError(RESERVED);
    if (seenPriceCents !== undefined && ticket.priceCents !== seenPriceCents) {
      throw new ConflictError(`The price has changed to ${(ticket.priceCents / 100).toFixed(2)}`);
    }
    try {
      return await this.outbox.transaction(async (tx) => {
        await this.assertMayHoldAnother(tx, buyerId);
        for (const overdue of await this.orders.cancelOverdue(tx, ticketId)) {
          await tx.publish('order.cancelled', cancelledEvent(overdue, 'expired'));
        }
        const order = await this.orders.insert(tx, {
          id: randomUUID(),
          userId: buyerId,
          ticket: { id: ticket.id, title: ticket.title, priceCents: ticket.priceCents },
          lockSeconds: this.rules.lockSeconds,
        });
        await tx.publish('order.created', createdEvent(order));
        return order;
      });
    } catch (err) {
      if (isUniqueViolation(err, ONE_HOLDER_PER_TICKET)) throw new ConflictError(RESERVED);
      throw err;
    }
  }

  /** Counted under the buyer's lock, in the transaction that inserts: racing orders cannot all see room. */
  private async assertMayHoldAnother(tx: Tx, buyerId: string): Promise<void> {
    const max = this.rules.maxUnpaidOrders;
    if ((await this.orders.lockBuyerAndCountUnpaid(tx, buyerId)) >= max) {
      throw new ConflictError(`You already hold ${max} unpaid orders: pay or cancel one first`);
    }
  }

  listFor(userId: string): Promise<Order[]> {
    return this.orders.listByUser(this.db, userId);
  }

  async getFor(userId: string, orderId: string): Promise<Order> {
    return ownedBy(userId, await this.orders.findById(this.db, orderId));
  }

  /** The buyer gives up the order; cancelling a cancelled order changes nothing. */
  cancel(userId: string, orderId: string): Promise<Order> {
    return this.outbox.transaction(async (tx) => {
      const order = ownedBy(userId, await this.orders.findById(tx, orderId));
      if (order.status === 'cancelled') return order;
      const cancelled = await this.orders.transition(tx, orderId, 'cancelled');
      if (!cancelled) throw new ConflictError('Cannot cancel a paid order');
      await tx.publish('order.cancelled', cancelledEvent(cancelled, 'buyer'));
      return cancelled;
    });
  }

  // --- events ---

  async onOrderExpired(tx: Tx, expired: EventData<'order.expired'>): Promise<void> {
    const cancelled = await this.orders.transition(tx, expired.id, 'cancelled');
    if (cancelled) await tx.publish('order.cancelled', cancelledEvent(cancelled, 'expired'));
  }

  async onChargeCreated(tx: Tx, charge: EventData<'charge.created'>): Promise<void> {
    if (charge.status === 'succeeded') {
      // A charge for an order already cancelled completes nothing; payments refunds it.
      await this.orders.transition(tx, charge.orderId, 'complete');
    } else if (charge.status === 'failed') {
      const cancelled = await this.orders.transition(tx, charge.orderId, 'cancelled');
      if (cancelled) await tx.publish('order.cancelled', cancelledEvent(cancelled, 'payment_failed'));
    }
  }

  /** The replica's ticket once it satisfies `caughtUp`, or as it is when the wait runs out. */
  private async waitForTicket(
    ticketId: string,
    caughtUp: (t: ReplicaTicket) => boolean,
  ): Promise<{ ticket: ReplicaTicket; held: boolean }> {
    const found = await this.waiters.waitFor(
      ticketId,
      () => this.tickets.findWithHolder(this.db, ticketId),
      // A ticket someone holds is refused at once, whatever its price: no point waiting.
      (f) => f !== undefined && (f.held || caughtUp(f.ticket)),
      this.rules.replicaWaitMs,
    );
    if (!found) throw new NotFoundError('Ticket not found');
    return found;
  }
}

function ownedBy(userId: string, order: Order | undefined): Order {
  if (!order) throw new NotFoundError('Order not found');
  if (order.userId !== userId) throw new ForbiddenError('This order is not yours');
  return order;
}
