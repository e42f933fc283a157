import { consumeAllWithInbox, defineService, migrate, Outbox, type Consumer, type Service, type ServiceDeps } from '@ticketyboo/common';
import { expirationConfig, type ExpirationConfig } from './config';
import { BullMqScheduler } from './bullmq-scheduler';
import { ExpiryRepository } from './expiry-repository';
import { ExpiryService, type ExpiryOptions } from './expiry-service';
import { migrations } from './migrations';
import type { Scheduler } from './scheduler';
import { Sweeper } from './sweeper';
import { TimerScheduler } from './timer-scheduler';

// Grace and interval together bound how late a lost timer's expiry can be: about a second.
const SWEEP_INTERVAL_MS = 500;
const EXPIRY_OPTIONS: ExpiryOptions = { sweepGraceMs: 500, sweepBatch: 100, rescheduleBatch: 500 };

/** BullMQ on Redis when REDIS_URL is set (production); otherwise in-process timers (`npm start`). */
export function schedulerFromConfig({ config, log }: Pick<ServiceDeps<ExpirationConfig>, 'config' | 'log'>): Scheduler {
  if (!config.REDIS_URL) return new TimerScheduler(log);
  return new BullMqScheduler({ redisUrl: config.REDIS_URL, queueName: config.EXPIRATION_QUEUE, prefix: config.BULLMQ_PREFIX }, log);
}

/** The expiration service's composition root, scheduling with what the environment offers. */
export function createExpirationService(deps: ServiceDeps<ExpirationConfig>): Service {
  return createExpirationServiceWith(deps, schedulerFromConfig(deps));
}

/** The composition root with the scheduler given (tests inject one). */
export function createExpirationServiceWith({ db, bus, log }: ServiceDeps, scheduler: Scheduler): Service {
  const outbox = new Outbox(db, bus, log);
  const expiries = new ExpiryService(db, outbox, new ExpiryRepository(), scheduler, log, EXPIRY_OPTIONS);
  const sweeper = new Sweeper(() => expiries.sweep(), SWEEP_INTERVAL_MS, log);
  const consumers: Consumer[] = [];
  const ping = scheduler.ping?.bind(scheduler);
  return {
    name: 'expiration',
    mounts: [],
    readiness: ping ? [{ name: 'redis', check: ping }] : [],
    async start() {
      await migrate(db, migrations);
      outbox.start();
      await scheduler.start((orderId) => expiries.fire(orderId));
      sweeper.start();
      // The scheduler may have lost what it held (in-process timers always do, Redis can be flushed).
      const rescheduled = await expiries.reschedulePending();
      log.info({ rescheduled }, 'pending expiries rescheduled');
      consumers.push(
        ...(await consumeAllWithInbox(outbox, bus, log, 'expiration', {
          'order.created': (tx, data) => expiries.onOrderCreated(tx, data),
          'order.cancelled': (tx, data) => expiries.onOrderCancelled(tx, data),
          'charge.created': (tx, data) => expiries.onChargeCreated(tx, data),
        })),
      );
    },
    async stop() {
      await Promise.all(consumers.splice(0).map((c) => c.stop()));
      await sweeper.stop();
      await scheduler.stop();
      await outbox.stop();
    },
  };
}

export const expirationService = defineService({ name: 'expiration', config: expirationConfig, create: createExpirationService });
