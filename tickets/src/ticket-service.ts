import { randomUUID } from 'node:crypto';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  RetryLaterError,
  type Database,
  type EventData,
  type Logger,
  type Outbox,
  type RateLimiter,
  type Tx,
} from '@ticketyboo/common';
import { toEvent, type Ticket } from './ticket';
import type { ListQuery, TicketRepository } from './ticket-repository';

/**
 * The listing rules. A ticket moves available → locked (an order holds it) → sold, or back from
 * locked to available when that same order is cancelled; title and price change only while it
 * is available. Each transition is one conditional UPDATE, so a concurrent change can never
 * slip between a check and a write.
 */
export class TicketService {
  constructor(
    private readonly db: Database,
    private readonly outbox: Outbox,
    private readonly tickets: TicketRepository,
    private readonly listings: RateLimiter,
    private readonly log: Logger,
  ) {}

  async create(userId: string, input: { title: string; priceCents: number }): Promise<Ticket> {
    await this.listings.consume(userId);
    return this.outbox.transaction(async (tx) => {
      const ticket = await this.tickets.insert(tx, { id: randomUUID(), userId, ...input });
      await tx.publish('ticket.created', toEvent(ticket));
      return ticket;
    });
  }

  async get(id: string): Promise<Ticket> {
    const ticket = await this.tickets.findById(this.db, id);
    if (!ticket) throw new NotFoundError('Ticket not found');
    return ticket;
  }

  list(query: ListQuery): Promise<Ticket[]> {
    return this.tickets.list(this.db, query);
  }

  update(id: string, userId: string, change: { title: string; priceCents: number }): Promise<Ticket> {
    return this.outbox.transaction(async (tx) => {
      const updated = await this.tickets.updateIfEditable(tx, id, userId, change);
      if (!updated) throw await this.whyNotEditable(tx, id, userId);
      await this.tickets.recordPriceIfChanged(tx, id, updated.priceCents);
      await tx.publish('ticket.updated', toEvent(updated));
      return updated;
    });
  }

  async prices(id: string): Promise<{ priceCents: number; at: Date }[]> {
    await this.get(id);
    return this.tickets.priceHistory(this.db, id);
  }

  private async whyNotEditable(tx: Tx, id: string, userId: string): Promise<Error> {
    const ticket = await this.tickets.findById(tx, id);
    if (!ticket) return new NotFoundError('Ticket not found');
    if (ticket.userId !== userId) return new ForbiddenError('You can only edit your own tickets');
    return new ConflictError(`Cannot edit a ${ticket.status} ticket`);
  }

  // --- events from orders and payments ---

  async onOrderCreated(tx: Tx, order: EventData<'order.created'>): Promise<void> {
    await this.tickets.holdForUpdate(tx, order.ticket.id);
    // Its cancel overtook it: the order is over, and must not lock anything now.
    if (await this.tickets.isReleased(tx, order.id)) return;
    const locked = await this.tickets.lock(tx, order.ticket.id, order.id);
    if (locked) {
      await tx.publish('ticket.updated', toEvent(locked));
      return;
    }
    const ticket = await this.tickets.findById(tx, order.ticket.id);
    if (!ticket) throw new Error(`order ${order.id} is for unknown ticket ${order.ticket.id}`);
    if (ticket.orderId === order.id) return;
    // Held, or even sold, by an older order whose cancel has not reached us yet; it will. Orders
    // never admits a new order beside a paid one, so a sale to the older order is being undone
    // (its charge overtook its cancel, and payments refunds it).
    throw new RetryLaterError(`ticket ${ticket.id} still held by order ${ticket.orderId}`, 500);
  }

  async onOrderCancelled(tx: Tx, order: EventData<'order.cancelled'>): Promise<void> {
    await this.tickets.holdForUpdate(tx, order.ticket.id);
    await this.tickets.markReleased(tx, order.id);
    const unlocked = await this.tickets.unlock(tx, order.ticket.id, order.id);
    if (unlocked) await tx.publish('ticket.updated', toEvent(unlocked));
  }

  async onChargeCreated(tx: Tx, charge: EventData<'charge.created'>): Promise<void> {
    // A failed charge cancels the order; its order.cancelled unlocks the ticket.
    if (charge.status !== 'succeeded') return;
    const sold = await this.tickets.markSold(tx, charge.orderId);
    if (sold) {
      await tx.publish('ticket.updated', toEvent(sold));
      return;
    }
    const ticket = await this.tickets.findByOrder(tx, charge.orderId);
    if (ticket?.status === 'sold') return;
    // Paid too late: the order no longer holds the ticket, and payments refunds it.
    if (await this.tickets.isReleased(tx, charge.orderId)) return;
    throw new RetryLaterError(`charge for order ${charge.orderId} before its order.created`, 500);
  }
}
