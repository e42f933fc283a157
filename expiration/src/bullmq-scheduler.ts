import { Queue, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { Logger } from '@ticketyboo/common';
import type { Scheduler } from './scheduler';

export interface BullMqSchedulerOptions {
  redisUrl: string;
  queueName: string;
  /** BullMQ's key prefix: every key is `<prefix>:<queueName>:…`. */
  prefix: string;
  /** Jobs fired at once by one worker; each is one short transaction. */
  concurrency?: number;
  /** How long `start` waits for Redis before going on without it. */
  readyTimeoutMs?: number;
}

interface ExpiryJob {
  orderId: string;
}

// BullMQ refuses ':' in custom ids. One id per order makes a second schedule of it a no-op.
export const jobIdOf = (orderId: string): string => `expire-${orderId}`;

/**
 * Delayed BullMQ jobs on Redis: the production scheduler, shared by every replica. A job
 * survives the process that scheduled it; one that Redis loses is rebuilt by the service's
 * reschedule on start, or fired by its sweeper.
 */
export class BullMqScheduler implements Scheduler {
  private queueConnection: Redis | undefined;
  private workerConnection: Redis | undefined;
  private queue: Queue<ExpiryJob> | undefined;
  private worker: Worker<ExpiryJob> | undefined;
  private ready = false;

  constructor(
    private readonly opts: BullMqSchedulerOptions,
    private readonly log: Logger,
  ) {}

  async start(fire: (orderId: string) => Promise<void>): Promise<void> {
    if (this.queue) return;
    const { redisUrl, queueName, prefix } = this.opts;
    // As BullMQ's production guide says: adding a job fails fast while Redis is away (the caller
    // carries on, the sweeper covers), while the worker's blocking connection waits for Redis to return.
    // ioredis gives a closing socket 2 s to end before destroying it, and holds the process that
    // long when the socket never connected; a Redis socket ends in far less.
    const disconnectTimeout = 200;
    this.queueConnection = new Redis(redisUrl, { enableOfflineQueue: false, disconnectTimeout });
    this.workerConnection = new Redis(redisUrl, { maxRetriesPerRequest: null, disconnectTimeout });
    this.queue = new Queue<ExpiryJob>(queueName, {
      connection: this.queueConnection,
      prefix,
      defaultJobOptions: {
        removeOnComplete: true,
        // A few failures are kept to look at, bounded so a long outage cannot fill Redis.
        removeOnFail: { count: 1000, age: 24 * 3600 },
        // A failed fire (database away) is retried; past that, the sweeper takes the row.
        attempts: 3,
        backoff: { type: 'exponential', delay: 250 },
      },
    });
    this.worker = new Worker<ExpiryJob>(queueName, (job: Job<ExpiryJob>) => fire(job.data.orderId), {
      connection: this.workerConnection,
      prefix,
      concurrency: this.opts.concurrency ?? 10,
    });
    // Without listeners an 'error' event would crash the process; reconnection is automatic.
    this.queue.on('error', (err) => this.log.warn({ err }, 'expiration queue: redis error'));
    this.worker.on('error', (err) => this.log.warn({ err }, 'expiration worker: redis error'));
    this.worker.on('failed', (job, err) => this.log.warn({ err, orderId: job?.data.orderId }, 'expiry job failed'));
    // Redis being away must not stop the service: the sweeper expires orders meanwhile, and until
    // Redis is first reached, schedule() fails at once instead of hanging on BullMQ's connection.
    const ready = Promise.all([this.queue.waitUntilReady(), this.worker.waitUntilReady()]).then(
      () => void (this.ready = true),
      // Stopped before Redis was ever reached: nothing to report.
      () => undefined,
    );
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([ready, new Promise((r) => (timer = setTimeout(r, this.opts.readyTimeoutMs ?? 5000)))]);
    clearTimeout(timer);
    if (!this.ready) this.log.warn('Redis is unreachable: orders expire through the sweeper until it is back');
  }

  async schedule(orderId: string, at: Date): Promise<void> {
    const delay = Math.max(0, at.getTime() - Date.now());
    await this.started().add('expire', { orderId }, { jobId: jobIdOf(orderId), delay });
  }

  async cancel(orderId: string): Promise<void> {
    // 0 when the job is running right now: it finds no row, which is what cancelling means here.
    await this.started().remove(jobIdOf(orderId));
  }

  async stop(): Promise<void> {
    const { worker, queue, workerConnection, queueConnection } = this;
    this.worker = undefined;
    this.queue = undefined;
    this.workerConnection = undefined;
    this.queueConnection = undefined;
    const connections = [workerConnection, queueConnection].filter((c) => c !== undefined);
    // With Redis away (never reached, or gone since) a graceful close waits for it forever: cut the
    // connections and force the close. A fire cut short leaves its row to the next start or sweep.
    const reachable = this.ready && connections.every((c) => c.status === 'ready');
    this.ready = false;
    if (!reachable) for (const c of connections) c.disconnect();
    // The worker first: it finishes the fires in hand before its connections go.
    await worker?.close(!reachable);
    await queue?.close();
    // Connections passed in are the caller's to close; QUIT would wait for a Redis that is away.
    await Promise.all(
      connections.map(async (c) => {
        if (c.status === 'ready') await c.quit();
        else c.disconnect();
      }),
    );
  }

  async ping(): Promise<void> {
    if (!this.queueConnection) throw new Error('scheduler is not started');
    // The queue's connection does not queue commands while Redis is away, so this fails fast.
    await this.queueConnection.ping();
  }

  private started(): Queue<ExpiryJob> {
    if (!this.queue) throw new Error('scheduler is not started');
    if (!this.ready) throw new Error('Redis has not been reached yet');
    return this.queue;
  }
}
