import { createLogger, type EventEnvelope, type Service } from '@ticketyboo/common';
import { bothBuses, eventually, publishEvent, startService, type ServiceHarness } from '@ticketyboo/common/testing';
import { BullMqScheduler } from './bullmq-scheduler';
import { createExpirationServiceWith, expirationService } from './expiration-service';
import type { Scheduler } from './scheduler';
import {
  envFor,
  expiredCount,
  expiryOf,
  orderCreated,
  QueueProbe,
  runtimes,
  startReplica,
} from './expiration.test-helpers';

const sleepUntil = (t: number) => new Promise((r) => setTimeout(r, Math.max(0, t - Date.now())));

/** Waits until the service has recorded the order's expiry. */
async function pending(h: ServiceHarness, orderId: string): Promise<void> {
  await eventually(async () => {
    const r = await h.db.query('SELECT 1 FROM expirations WHERE order_id = $1', [orderId]);
    return r.rowCount > 0 ? true : undefined;
  });
}

describe.each(runtimes)('expiration across restarts and replicas on PostgreSQL + %s with %s', (busKind, schedulerKind) => {
  let env: NodeJS.ProcessEnv;
  let h: ServiceHarness;
  let expired: EventEnvelope<'order.expired'>[];
  const replicas: Service[] = [];

  beforeEach(async () => {
    env = envFor(schedulerKind);
    h = await startService(expirationService, { bus: busKind }, env);
    expired = await h.events('order.expired');
  });
  afterEach(async () => {
    for (const r of replicas.splice(0)) await r.stop();
    await h.dispose();
    if (schedulerKind === 'bullmq') await new QueueProbe(env).close();
  });

  it('expires, as soon as the service is back, an order that came due while it was stopped', async () => {
    const order = orderCreated(500);
    await publishEvent(h.bus, 'order.created', order);
    await pending(h, order.id);
    await h.service.stop();
    await sleepUntil(Date.parse(order.expiresAt) + 300);
    expect(expiredCount(expired, order.id)).toBe(0);

    const restartedAt = Date.now();
    replicas.push(await startReplica(h, env));
    const { seenAt } = await expiryOf(expired, order.id);
    expect(seenAt - restartedAt).toBeLessThan(1000);
    const later = orderCreated(300);
    await publishEvent(h.bus, 'order.created', later);
    await expiryOf(expired, later.id);
    expect(expiredCount(expired, order.id)).toBe(1);
  });

  it('publishes each expiry once with two replicas sharing the database, the bus and the queue', async () => {
    replicas.push(await startReplica(h, env));
    const orders = Array.from({ length: 10 }, (_, i) => orderCreated(400 + i * 50));
    for (const o of orders) await publishEvent(h.bus, 'order.created', o);
    for (const o of orders) {
      const { event, seenAt } = await expiryOf(expired, o.id);
      expect(Date.parse(event.occurredAt)).toBeGreaterThanOrEqual(Date.parse(o.expiresAt));
      expect(seenAt - Date.parse(o.expiresAt)).toBeLessThan(1500);
    }
    // Past the sweeper's reach for the last of them: a second copy would have come by now.
    const marker = orderCreated(1200);
    await publishEvent(h.bus, 'order.created', marker);
    await expiryOf(expired, marker.id);
    expect(orders.map((o) => expiredCount(expired, o.id))).toEqual(orders.map(() => 1));
  });
});

describe('expiration when Redis loses its jobs, on postgres + jetstream with bullmq', () => {
  let env: NodeJS.ProcessEnv;
  let h: ServiceHarness;
  let probe: QueueProbe;
  let expired: EventEnvelope<'order.expired'>[];
  const replicas: Service[] = [];

  beforeEach(async () => {
    env = envFor('bullmq');
    probe = new QueueProbe(env);
    h = await startService(expirationService, { bus: 'jetstream' }, env);
    expired = await h.events('order.expired');
  });
  afterEach(async () => {
    for (const r of replicas.splice(0)) await r.stop();
    await h.dispose();
    await probe.close();
  });

  async function scheduled(orderIds: string[]): Promise<void> {
    await eventually(async () => ((await Promise.all(orderIds.map((id) => probe.hasJob(id)))).every(Boolean) ? true : undefined));
  }

  it('rebuilds the schedule from the table on restart after Redis was flushed, and expires on time', async () => {
    const orders = [orderCreated(1500), orderCreated(1700), orderCreated(1900)];
    for (const o of orders) await publishEvent(h.bus, 'order.created', o);
    await scheduled(orders.map((o) => o.id));
    await h.service.stop();
    expect(await probe.flush()).toBeGreaterThan(0);
    expect(await probe.hasJob(orders[0]!.id)).toBe(false);

    replicas.push(await startReplica(h, env));
    await scheduled(orders.map((o) => o.id));
    for (const o of orders) {
      const expiresAt = Date.parse(o.expiresAt);
      const { event, seenAt } = await expiryOf(expired, o.id);
      expect(Date.parse(event.occurredAt)).toBeGreaterThanOrEqual(expiresAt);
      // On time, from the rebuilt jobs: the sweeper only takes what is over 500 ms late.
      expect(Date.parse(event.occurredAt) - expiresAt).toBeLessThan(500);
      expect(seenAt - expiresAt).toBeLessThan(1000);
    }
  });

  it('expires within about a second orders whose jobs vanished while the service ran', async () => {
    const orders = [orderCreated(800), orderCreated(900), orderCreated(1000)];
    for (const o of orders) await publishEvent(h.bus, 'order.created', o);
    await scheduled(orders.map((o) => o.id));
    expect(await probe.flush()).toBeGreaterThan(0);
    for (const o of orders) {
      const expiresAt = Date.parse(o.expiresAt);
      const { event, seenAt } = await expiryOf(expired, o.id);
      expect(Date.parse(event.occurredAt)).toBeGreaterThanOrEqual(expiresAt);
      expect(seenAt - expiresAt).toBeLessThan(1500);
    }
  });
});

/** Loses every schedule, as Redis losing its data right after each add would. */
class ForgetfulScheduler implements Scheduler {
  async schedule(): Promise<void> {}
  async cancel(): Promise<void> {}
  async start(): Promise<void> {}
  async stop(): Promise<void> {}
}

/** Refuses every schedule, as a queue whose Redis is down does. */
class UnreachableScheduler extends ForgetfulScheduler {
  override async schedule(): Promise<void> {
    throw new Error('Redis is unreachable');
  }
  override async cancel(): Promise<void> {
    throw new Error('Redis is unreachable');
  }
}

describe.each(bothBuses)('expiration without a working scheduler on PostgreSQL + %s', (busKind) => {
  const redisAway = () =>
    new BullMqScheduler(
      { redisUrl: 'redis://127.0.0.1:1', queueName: 'expiration', prefix: 'tbtest-away', readyTimeoutMs: 200 },
      createLogger('test'),
    );
  it.each([
    ['loses every schedule', () => new ForgetfulScheduler()],
    ['refuses every schedule', () => new UnreachableScheduler()],
    ['is BullMQ on a Redis that is down', redisAway],
  ])('still expires every order within about a second when the scheduler %s', async (_, scheduler) => {
    const h = await startService({ ...expirationService, create: (deps) => createExpirationServiceWith(deps, scheduler()) }, { bus: busKind });
    try {
      const expired = await h.events('order.expired');
      const orders = [orderCreated(300), orderCreated(600)];
      for (const o of orders) await publishEvent(h.bus, 'order.created', o);
      for (const o of orders) {
        const { seenAt } = await expiryOf(expired, o.id);
        expect(seenAt - Date.parse(o.expiresAt)).toBeLessThan(1500);
      }
    } finally {
      await h.dispose();
    }
  });
});
