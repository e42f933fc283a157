import {
  sessionRevocations,
  consumeAllWithInbox,
  intFromEnv,
  migrate,
  Outbox,
  ReplicaWaiters,
  type Consumer,
  type Service,
  type ServiceDeps,
} from '@ticketyboo/common';
import { ChargeRepository } from './charge-repository';
import { migrations } from './migrations';
import { PaymentService } from './payment-service';
import type { PaymentProcessor } from './processor/payment-processor';
import { StripeProcessor } from './processor/stripe-processor';
import { TestModeProcessor } from './processor/test-mode-processor';
import { ReplicaRepository } from './replica-repository';
import { paymentRoutes } from './routes';

/** Stripe when a secret key is configured; otherwise the test-mode stand-in. */
export function processorFromEnv(env: NodeJS.ProcessEnv): PaymentProcessor {
  if (!env.STRIPE_SECRET_KEY) return new TestModeProcessor();
  if (!env.STRIPE_WEBHOOK_SECRET) throw new Error('STRIPE_WEBHOOK_SECRET must be set with STRIPE_SECRET_KEY');
  return new StripeProcessor({ secretKey: env.STRIPE_SECRET_KEY, webhookSecret: env.STRIPE_WEBHOOK_SECRET });
}

/** The payments service's composition root; `processor` overrides the one the environment picks. */
export function createPaymentsService(deps: ServiceDeps, processor = processorFromEnv(deps.env)): Service {
  const { db, bus, log, env } = deps;
  const outbox = new Outbox(db, bus, log);
  const waiters = new ReplicaWaiters(intFromEnv(env, 'REPLICA_MAX_WAITERS', 100));
  const payments = new PaymentService(
    db,
    outbox,
    new ChargeRepository(),
    new ReplicaRepository(),
    waiters,
    processor,
    { currency: (env.CURRENCY ?? 'usd').toLowerCase(), replicaWaitMs: intFromEnv(env, 'REPLICA_WAIT_MS', 2000) },
    log,
  );
  const consumers: Consumer[] = [];
  return {
    name: 'payments',
    mounts: [{ prefix: '/api/payments', router: paymentRoutes(payments, processor) }],
    async start() {
      await migrate(db, migrations);
      outbox.start();
      consumers.push(
        ...(await consumeAllWithInbox(outbox, bus, log, 'payments', {
          'order.created': (tx, data) => payments.onOrderCreated(tx, data),
          'order.cancelled': (tx, data) => payments.onOrderCancelled(tx, data),
          'user.created': (tx, data) => payments.onUserChanged(tx, data),
          'user.updated': (tx, data) => payments.onUserChanged(tx, data),
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
