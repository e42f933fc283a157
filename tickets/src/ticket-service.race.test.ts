import { randomUUID } from 'node:crypto';
import { createLogger, Outbox, RateLimiter, type EventData } from '@ticketyboo/common';
import { startService, type ServiceHarness } from '@ticketyboo/common/testing';
import { ticketsService } from './tickets-service';
import { TicketRepository } from './ticket-repository';
import { TicketService } from './ticket-service';
import { listTicket, newUser, orderCancelled, orderCreated } from './tickets.test-helpers';

/**
 * After a tickets replica dies, an order's order.created and order.cancelled are redelivered at
 * the same moment to two consumers, so their handlers run in concurrent transactions on real
 * PostgreSQL. Whatever the interleaving, the cancelled order must not end up holding the ticket
 * (the chaos suite once left tickets locked by orders cancelled long before).
 */
describe('tickets handlers racing on one ticket (PostgreSQL)', () => {
  let h: ServiceHarness;
  let service: TicketService;
  let outbox: Outbox;

  beforeAll(async () => {
    // One seller lists 60 tickets at once here.
    h = await startService(ticketsService, { bus: 'memory' }, { LISTINGS_PER_USER_PER_MINUTE: '1000000' });
    outbox = new Outbox(h.db, h.bus, createLogger('race'));
    const unlimited = new RateLimiter(h.db, { name: 'race', points: 1_000_000, windowSeconds: 60, message: '' });
    service = new TicketService(h.db, outbox, new TicketRepository(), unlimited, createLogger('race'));
  });
  afterAll(() => h.dispose());

  it("an order's create and cancel applied at once never leave the ticket held by the cancelled order", async () => {
    const seller = newUser(h);
    const tickets = await Promise.all(Array.from({ length: 60 }, (_, i) => listTicket(h, seller, { title: `Race ${i}`, price: 10 })));
    await Promise.all(
      tickets.flatMap((t) => {
        const created: EventData<'order.created'> = orderCreated(t, randomUUID());
        return [
          outbox.transaction((q) => service.onOrderCreated(q, created)),
          outbox.transaction((q) => service.onOrderCancelled(q, orderCancelled(t, created.id))),
        ];
      }),
    );
    const { rows } = await h.db.query<{ id: string; status: string }>(
      `SELECT id, status FROM tickets WHERE id = ANY($1::uuid[]) AND status <> 'available'`,
      [tickets.map((t) => t.id)],
    );
    expect(rows).toEqual([]);
  });
});
