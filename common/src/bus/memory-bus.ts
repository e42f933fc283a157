import type { EventSubject } from '../events/contract';
import type { Consumer, ConsumerOptions, Delivery, EventBus } from './event-bus';

interface Message {
  subject: EventSubject;
  body: string;
}

interface Pending {
  message: Message;
  deliveries: number;
}

export interface DeadLetter {
  subject: EventSubject;
  body: string;
  reason: string;
}

// Like JetStream's duplicate window, but counted in messages rather than minutes.
const DEDUPE_WINDOW = 100_000;

/**
 * The in-process bus of the single-process runtime, with JetStream's semantics where the
 * services rely on them: a durable consumer starts from the first message and resumes where it
 * stopped, replicas sharing a durable split the work, a nak'd message comes back after its
 * delay while later ones flow on, and a duplicate msgId is dropped.
 */
export class MemoryBus implements EventBus {
  private readonly log: Message[] = [];
  private readonly seen = new Set<string>();
  private readonly durables = new Map<string, MemoryDurable>();
  readonly deadLetters: DeadLetter[] = [];
  private closed = false;

  publish(subject: EventSubject, msgId: string, body: string): Promise<void> {
    if (this.closed) return Promise.reject(new Error('bus is closed'));
    if (this.seen.has(msgId)) return Promise.resolve();
    this.seen.add(msgId);
    if (this.seen.size > DEDUPE_WINDOW) {
      const oldest = this.seen.values().next().value;
      if (oldest !== undefined) this.seen.delete(oldest);
    }
    const message = { subject, body };
    this.log.push(message);
    for (const d of this.durables.values()) d.offer(message);
    return Promise.resolve();
  }

  consume(opts: ConsumerOptions, onMessage: (d: Delivery) => Promise<void>): Promise<Consumer> {
    let durable = this.durables.get(opts.durable);
    if (!durable) {
      durable = new MemoryDurable(opts);
      this.durables.set(opts.durable, durable);
      for (const m of this.log) durable.offer(m);
    }
    return Promise.resolve(durable.attach(onMessage));
  }

  deadLetter(subject: EventSubject, body: string, reason: string): Promise<void> {
    this.deadLetters.push({ subject, body, reason });
    return Promise.resolve();
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.durables.values()].map((d) => d.stopAll()));
  }
}

type Handler = (d: Delivery) => Promise<void>;

class MemoryDurable {
  private readonly queue: Pending[] = [];
  private readonly workers = new Set<Worker>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly opts: ConsumerOptions) {}

  offer(message: Message): void {
    if (message.subject !== this.opts.subject) return;
    this.queue.push({ message, deliveries: 0 });
    this.wake();
  }

  attach(handler: Handler): Consumer {
    const worker = new Worker(this, handler);
    this.workers.add(worker);
    this.wake();
    return {
      stop: async () => {
        this.workers.delete(worker);
        await worker.stop();
      },
    };
  }

  take(): Pending | undefined {
    return this.queue.shift();
  }

  redeliverLater(p: Pending, delayMs: number): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      this.queue.push(p);
      this.wake();
    }, delayMs);
    this.timers.add(t);
  }

  get ackWaitMs(): number {
    return this.opts.ackWaitMs;
  }

  private wake(): void {
    for (const w of this.workers) w.wake();
  }

  async stopAll(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await Promise.all([...this.workers].map((w) => w.stop()));
    this.workers.clear();
  }
}

class Worker {
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly durable: MemoryDurable,
    private readonly handler: Handler,
  ) {}

  wake(): void {
    if (this.running || this.stopped) return;
    this.running = this.drain().finally(() => {
      this.running = undefined;
    });
  }

  private async drain(): Promise<void> {
    // Deliver asynchronously, as a real bus would: never inside the publisher's call stack.
    await Promise.resolve();
    while (!this.stopped) {
      const p = this.durable.take();
      if (!p) return;
      await this.deliver(p);
    }
  }

  private async deliver(p: Pending): Promise<void> {
    p.deliveries += 1;
    let settled = false;
    const settle = (then: () => void) => () => {
      if (settled) return;
      settled = true;
      then();
    };
    const delivery: Delivery = {
      body: p.message.body,
      deliveryCount: p.deliveries,
      ack: settle(() => undefined),
      term: settle(() => undefined),
      nak: (delayMs: number) => settle(() => this.durable.redeliverLater(p, delayMs))(),
    };
    try {
      await this.handler(delivery);
    } catch {
      // A handler that throws leaves the message unsettled, as a crashed JetStream client would.
    }
    if (!settled) settle(() => this.durable.redeliverLater(p, this.durable.ackWaitMs))();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.running;
  }
}
