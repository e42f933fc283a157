import { randomBytes, randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { createLogger, parseConfig, type EventData, type EventEnvelope, type Service } from '@ticketyboo/common';
import { eventually, type BusKind, type ServiceHarness } from '@ticketyboo/common/testing';
import { jobIdOf } from './bullmq-scheduler';
import { expirationConfig } from './config';
import { createExpirationService } from './expiration-service';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** The services' topology schedules with BullMQ on Redis; `npm start` with in-process timers. */
export type SchedulerKind = 'bullmq' | 'timers';
export const runtimes: [BusKind, SchedulerKind][] = [
  ['jetstream', 'bullmq'],
  ['memory', 'timers'],
];

/** A queue of its own (fresh key prefix) for BullMQ; no Redis at all for timers. */
export function envFor(scheduler: SchedulerKind): NodeJS.ProcessEnv {
  if (scheduler === 'timers') return {};
  return { REDIS_URL, EXPIRATION_QUEUE: 'expiration', BULLMQ_PREFIX: `tbtest-${randomBytes(6).toString('hex')}` };
}

export function orderCreated(expiresInMs: number, orderId = randomUUID(), version = 0): EventData<'order.created'> {
  return {
    id: orderId,
    userId: randomUUID(),
    status: 'created',
    expiresAt: new Date(Date.now() + expiresInMs).toISOString(),
    version,
    ticket: { id: randomUUID(), title: 'A show', priceCents: 1000 },
  };
}

export function orderCancelled(orderId: string): EventData<'order.cancelled'> {
  return { id: orderId, version: 1, ticket: { id: randomUUID() }, reason: 'buyer' };
}

export function chargeCreated(orderId: string, status: 'succeeded' | 'failed' = 'succeeded'): EventData<'charge.created'> {
  return {
    id: randomUUID(),
    orderId,
    status,
    amountCents: 1000,
    currency: 'usd',
    stripeId: `pi_${randomUUID().slice(0, 8)}`,
    version: 0,
  };
}

/** Waits for the order's order.expired and says when the test saw it (polled every 20 ms). */
export async function expiryOf(
  expired: EventEnvelope<'order.expired'>[],
  orderId: string,
  timeoutMs = 5000,
): Promise<{ event: EventEnvelope<'order.expired'>; seenAt: number }> {
  const event = await eventually(() => expired.find((e) => e.data.id === orderId), timeoutMs);
  return { event, seenAt: Date.now() };
}

export const expiredCount = (expired: EventEnvelope<'order.expired'>[], orderId: string): number =>
  expired.filter((e) => e.data.id === orderId).length;

/** Another instance of the service (a replica, or the one that replaces a stopped one) on the harness's database and bus. */
export async function startReplica(h: ServiceHarness, env: NodeJS.ProcessEnv): Promise<Service> {
  const service = createExpirationService({ db: h.db, bus: h.bus, log: createLogger('test'), tokens: h.tokens, config: parseConfig(expirationConfig, env) });
  await service.start();
  return service;
}

/** Looks into, and wipes, the BullMQ queue a test's services use. */
export class QueueProbe {
  private readonly redis: Redis;
  private readonly queue: Queue;

  constructor(private readonly env: NodeJS.ProcessEnv) {
    this.redis = new Redis(env.REDIS_URL!);
    this.queue = new Queue(env.EXPIRATION_QUEUE!, { connection: this.redis, prefix: env.BULLMQ_PREFIX! });
  }

  async hasJob(orderId: string): Promise<boolean> {
    return (await this.queue.getJob(jobIdOf(orderId))) !== undefined;
  }

  /** Deletes every key of the queue, as a Redis restart without persistence would. */
  async flush(): Promise<number> {
    let deleted = 0;
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', `${this.env.BULLMQ_PREFIX!}:*`, 'COUNT', 1000);
      if (keys.length > 0) deleted += await this.redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
    return deleted;
  }

  /** Wipes the queue and disconnects; the queue is closed first, as it writes its metadata once connected. */
  async close(): Promise<void> {
    await this.queue.waitUntilReady();
    await this.queue.close();
    await this.flush();
    await this.redis.quit();
  }
}
