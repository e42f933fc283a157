import {
  sessionRevocations,
  consumeAllWithInbox,
  gaugeFromCollector,
  intFromEnv,
  migrate,
  Outbox,
  ReplicaWaiters,
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
  const orderRepository = new OrderRepository();
  const waiters = new ReplicaWaiters(intFromEnv(env, 'REPLICA_MAX_WAITERS', 100));
  const orders = new OrderService(db, outbox, orderRepository, replicaRepository, waiters, {
    lockSeconds: intFromEnv(env, 'ORDER_EXPIRATION_SECONDS', 900),
    replicaWaitMs: intFromEnv(env, 'REPLICA_WAIT_MS', 2000),
  });
  const replica = new TicketReplica(replicaRepository, (id) => waiters.applied(id));
  const consumers: Consumer[] = [];
  return {
    name: 'orders',
    mounts: [{ prefix: '/api/orders', router: orderRoutes(orders) }],
    async start() {
      await migrate(db, migrations);
      gaugeFromCollector('active_locks', 'Orders holding their ticket now: created and not yet expired', () =>
        orderRepository.countActiveLocks(db),
      );
      outbox.start();
      consumers.push(
        ...(await consumeAllWithInbox(outbox, bus, log, 'orders', {
          'ticket.created': (tx, data) => replica.apply(tx, data),
          'ticket.updated': (tx, data) => replica.apply(tx, data),
          'order.expired': (tx, data) => orders.onOrderExpired(tx, data),
          'charge.created': (tx, data) => orders.onChargeCreated(tx, data),
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
