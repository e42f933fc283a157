import {
  consumeWithInbox,
  intFromEnv,
  migrate,
  Outbox,
  type Consumer,
  type Service,
  type ServiceDeps,
} from '@ticketyboo/common';
import { migrations } from './migrations';
import { OrderRepository } from './order-repository';
import { OrderService } from './order-service';
import { orderRoutes } from './routes';
import { TicketReplica } from './ticket-replica';
import { TicketReplicaRepository } from './ticket-replica-repository';

/** The orders service's composition root. */
export function createOrdersService({ db, bus, log, env }: ServiceDeps): Service {
  const outbox = new Outbox(db, bus, log);
  const replicaRepository = new TicketReplicaRepository();
  const orders = new OrderService(db, outbox, new OrderRepository(), replicaRepository, {
    lockSeconds: intFromEnv(env, 'ORDER_EXPIRATION_SECONDS', 900),
    replicaWaitMs: intFromEnv(env, 'REPLICA_WAIT_MS', 2000),
  });
  const replica = new TicketReplica(replicaRepository);
  const consumers: Consumer[] = [];
  return {
    name: 'orders',
    mounts: [{ prefix: '/api/orders', router: orderRoutes(orders) }],
    async start() {
      await migrate(db, migrations);
      outbox.start();
      const service = 'orders';
      consumers.push(
        await consumeWithInbox(outbox, bus, log, {
          service,
          subject: 'ticket.created',
          handler: (tx, data) => replica.apply(tx, data),
        }),
        await consumeWithInbox(outbox, bus, log, {
          service,
          subject: 'ticket.updated',
          handler: (tx, data) => replica.apply(tx, data),
        }),
        await consumeWithInbox(outbox, bus, log, {
          service,
          subject: 'order.expired',
          handler: (tx, data) => orders.onOrderExpired(tx, data),
        }),
        await consumeWithInbox(outbox, bus, log, {
          service,
          subject: 'charge.created',
          handler: (tx, data) => orders.onChargeCreated(tx, data),
        }),
      );
    },
    async stop() {
      await Promise.all(consumers.splice(0).map((c) => c.stop()));
      await outbox.stop();
    },
  };
}
