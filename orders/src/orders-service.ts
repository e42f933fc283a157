import {
  sessionRevocations,
  consumeAllWithInbox,
  gaugeFromCollector,
  defineService,
  migrate,
  Outbox,
  RateLimiter,
  ReplicaWaiters,
  type Consumer,
  type Service,
  type ServiceDeps,
} from '@ticketyboo/common';
import { ordersConfig, type OrdersConfig } from './config';
import { migrations } from './migrations';
import { OrderRepository } from './order-repository';
import { OrderService } from './order-service';
import { orderRoutes } from './routes';
import { TicketReplica } from './ticket-replica';
import { TicketReplicaRepository } from './ticket-replica-repository';

/** The orders service's composition root. */
export function createOrdersService({ db, bus, log, config }: ServiceDeps<OrdersConfig>): Service {
  const outbox = new Outbox(db, bus, log);
  const replicaRepository = new TicketReplicaRepository();
  const orderRepository = new OrderRepository();
  const placements = new RateLimiter(db, {
    name: 'orders-per-user',
    points: config.ORDERS_PER_USER_PER_MINUTE,
    windowSeconds: 60,
    message: 'Too many orders; try again in a minute',
  });
  const waiters = new ReplicaWaiters(config.REPLICA_MAX_WAITERS, config.REPLICA_RECHECK_MS);
  const orders = new OrderService(db, outbox, orderRepository, replicaRepository, placements, waiters, {
    lockSeconds: config.ORDER_EXPIRATION_SECONDS,
    replicaWaitMs: config.REPLICA_WAIT_MS,
    maxUnpaidOrders: config.MAX_UNPAID_ORDERS,
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

export const ordersService = defineService({ name: 'orders', config: ordersConfig, create: createOrdersService });
