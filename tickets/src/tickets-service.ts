import { consumeAllWithInbox, defineService, migrate, Outbox, RateLimiter, sessionRevocations, type Consumer, type Service, type ServiceDeps } from '@ticketyboo/common';
import { ticketsConfig, type TicketsConfig } from './config';
import { migrations } from './migrations';
import { ticketRoutes } from './routes';
import { TicketRepository } from './ticket-repository';
import { TicketService } from './ticket-service';

/** The tickets service's composition root. */
export function createTicketsService({ db, bus, log, config }: ServiceDeps<TicketsConfig>): Service {
  const outbox = new Outbox(db, bus, log);
  const listings = new RateLimiter(db, {
    name: 'listings-per-user',
    points: config.LISTINGS_PER_USER_PER_MINUTE,
    windowSeconds: 60,
    message: 'Too many listings; try again in a minute',
  });
  const tickets = new TicketService(db, outbox, new TicketRepository(), listings, log);
  const consumers: Consumer[] = [];
  return {
    name: 'tickets',
    mounts: [{ prefix: '/api/tickets', router: ticketRoutes(tickets) }],
    async start() {
      await migrate(db, migrations);
      outbox.start();
      consumers.push(
        ...(await consumeAllWithInbox(outbox, bus, log, 'tickets', {
          'order.created': (tx, data) => tickets.onOrderCreated(tx, data),
          'order.cancelled': (tx, data) => tickets.onOrderCancelled(tx, data),
          'charge.created': (tx, data) => tickets.onChargeCreated(tx, data),
          'session.revoked': (tx, data) => sessionRevocations.revoke(tx, data),
        })),
      );
    },
    async stop() {
      await Promise.all(consumers.splice(0).map((c) => c.stop()));
      await outbox.stop();
    },
  };
}

export const ticketsService = defineService({ name: 'tickets', config: ticketsConfig, create: createTicketsService });
