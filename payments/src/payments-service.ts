import {
  sessionRevocations,
  consumeAllWithInbox,
  defineService,
  migrate,
  Outbox,
  ReplicaWaiters,
  type Consumer,
  type Service,
  type ServiceDeps,
} from '@ticketyboo/common';
import { paymentsConfig, type PaymentsConfig } from './config';
import { ChargeRepository } from './charge-repository';
import { migrations } from './migrations';
import { PaymentService } from './payment-service';
import type { PaymentProcessor } from './processor/payment-processor';
import { StripeProcessor } from './processor/stripe-processor';
import { TestModeProcessor } from './processor/test-mode-processor';
import { ReplicaRepository } from './replica-repository';
import { paymentRoutes } from './routes';

/** Stripe when a secret key is configured; otherwise the test-mode stand-in. */
export function processorFromConfig(config: PaymentsConfig): PaymentProcessor {
  if (!config.STRIPE_SECRET_KEY) return new TestModeProcessor();
  // The schema refuses a secret key without its webhook secret.
  return new StripeProcessor({ secretKey: config.STRIPE_SECRET_KEY, webhookSecret: config.STRIPE_WEBHOOK_SECRET! });
}

/** The payments service's composition root; `processor` overrides the one the environment picks. */
export function createPaymentsService(deps: ServiceDeps<PaymentsConfig>, processor = processorFromConfig(deps.config)): Service {
  const { db, bus, log, config } = deps;
  const outbox = new Outbox(db, bus, log);
  const waiters = new ReplicaWaiters(config.REPLICA_MAX_WAITERS, config.REPLICA_RECHECK_MS);
  const payments = new PaymentService(
    db,
    outbox,
    new ChargeRepository(),
    new ReplicaRepository(),
    waiters,
    processor,
    { currency: config.CURRENCY, replicaWaitMs: config.REPLICA_WAIT_MS },
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

export const paymentsService = defineService({ name: 'payments', config: paymentsConfig, create: (deps) => createPaymentsService(deps) });
