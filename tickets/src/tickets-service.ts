import { consumeWithInbox, migrate, Outbox, type Consumer, type Service, type ServiceDeps } from '@ticketyboo/common';
import { migrations } from './migrations';
import { ticketRoutes } from './routes';
import { TicketRepository } from './ticket-repository';
import { TicketService } from './ticket-service';

/** The tickets service's composition root. */
export function createTicketsService({ db, bus, log }: ServiceDeps): Service {
  const outbox = new Outbox(db, bus, log);
  const tickets = new TicketService(db, outbox, new TicketRepository(), log);
  const consumers: Consumer[] = [];
  return {
    name: 'tickets',
    mounts: [{ prefix: '/api/tickets', router: ticketRoutes(tickets) }],
    async start() {
      await migrate(db, migrations);
      outbox.start();
      const service = 'tickets';
      consumers.push(
        await consumeWithInbox(outbox, bus, log, {
          service,
          subject: 'order.created',
          handler: (tx, data) => tickets.onOrderCreated(tx, data),
        }),
        await consumeWithInbox(outbox, bus, log, {
          service,
          subject: 'order.cancelled',
          handler: (tx, data) => tickets.onOrderCancelled(tx, data),
        }),
        await consumeWithInbox(outbox, bus, log, {
          service,
          subject: 'charge.created',
          handler: (tx, data) => tickets.onChargeCreated(tx, data),
        }),
      );
    },
    async stop() {
      await Promise.all(consumers.splice(0).map((c) => c.stop()));
      await outbox.stop();
    },
  };
}
