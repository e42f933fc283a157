import { randomUUID } from 'node:crypto';
import { createLogger } from '@ticketyboo/common';
import { eventually } from '@ticketyboo/common/testing';
import { BullMqScheduler } from './bullmq-scheduler';
import { envFor, QueueProbe } from './expiration.test-helpers';

describe('BullMqScheduler on Redis', () => {
  const env = envFor('bullmq');
  const probe = new QueueProbe(env);
  const fired: { orderId: string; at: number }[] = [];
  let scheduler: BullMqScheduler;

  beforeAll(async () => {
    scheduler = new BullMqScheduler(
      { redisUrl: env.REDIS_URL!, queueName: env.EXPIRATION_QUEUE!, prefix: env.BULLMQ_PREFIX! },
      createLogger('test'),
    );
    await scheduler.start(async (orderId) => void fired.push({ orderId, at: Date.now() }));
  });
  afterAll(async () => {
    await scheduler.stop();
    await probe.close();
  });

  const firesOf = (orderId: string) => fired.filter((f) => f.orderId === orderId);
  const id = () => randomUUID();

  it('fires a delayed job at about the time given, and removes it once done', async () => {
    const orderId = id();
    const at = Date.now() + 400;
    await scheduler.schedule(orderId, new Date(at));
    expect(await probe.hasJob(orderId)).toBe(true);
    const fire = await eventually(() => firesOf(orderId)[0]);
    expect(fire.at).toBeGreaterThanOrEqual(at);
    expect(fire.at - at).toBeLessThan(300);
    await eventually(async () => ((await probe.hasJob(orderId)) ? undefined : true));
  });

  it('schedules an order once, however often it is scheduled', async () => {
    const orderId = id();
    const at = new Date(Date.now() + 300);
    await Promise.all([scheduler.schedule(orderId, at), scheduler.schedule(orderId, at)]);
    await scheduler.schedule(orderId, at);
    await eventually(() => firesOf(orderId)[0]);
    const marker = id();
    await scheduler.schedule(marker, new Date(Date.now() + 200));
    await eventually(() => firesOf(marker)[0]);
    expect(firesOf(orderId)).toHaveLength(1);
  });

  it('fires nothing for a cancelled order, and a past time at once', async () => {
    const cancelled = id();
    const past = id();
    await scheduler.schedule(cancelled, new Date(Date.now() + 200));
    await scheduler.cancel(cancelled);
    expect(await probe.hasJob(cancelled)).toBe(false);
    const before = Date.now();
    await scheduler.schedule(past, new Date(Date.now() - 10_000));
    const fire = await eventually(() => firesOf(past)[0]);
    expect(fire.at - before).toBeLessThan(300);
    const marker = id();
    await scheduler.schedule(marker, new Date(Date.now() + 400));
    await eventually(() => firesOf(marker)[0]);
    expect(firesOf(cancelled)).toEqual([]);
  });

  it('starts without Redis, refuses to schedule at once instead of hanging, and stops', async () => {
    const away = new BullMqScheduler(
      { redisUrl: 'redis://127.0.0.1:1', queueName: 'away', prefix: env.BULLMQ_PREFIX!, readyTimeoutMs: 200 },
      createLogger('test'),
    );
    const startedAt = Date.now();
    await away.start(async () => undefined);
    expect(Date.now() - startedAt).toBeLessThan(1000);
    await expect(away.schedule(id(), new Date(Date.now() + 1000))).rejects.toThrow(/Redis/);
    await away.stop();
  });

  it('retries a fire that failed', async () => {
    const flaky = new BullMqScheduler(
      { redisUrl: env.REDIS_URL!, queueName: 'flaky', prefix: env.BULLMQ_PREFIX! },
      createLogger('test'),
    );
    let attempts = 0;
    await flaky.start(async () => {
      attempts += 1;
      if (attempts === 1) throw new Error('database away');
    });
    try {
      await flaky.schedule(id(), new Date());
      await eventually(() => (attempts === 2 ? true : undefined));
    } finally {
      await flaky.stop();
    }
  });
});
