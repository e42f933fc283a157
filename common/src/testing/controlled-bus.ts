import type { EventSubject } from '../events/contract';
import type { Consumer, ConsumerOptions, Delivery, EventBus } from '../bus/event-bus';

interface Queued {
  subject: EventSubject;
  body: string;
  deliveries: number;
}

interface Durable {
  name: string;
  subject: EventSubject;
  queue: Queued[];
  onMessage: (d: Delivery) => Promise<void>;
}

/** One delivery as the test chose it, for a model to replay. */
export interface DeliveryRecord {
  durable: string;
  subject: EventSubject;
  body: string;
  outcome: 'ack' | 'nak' | 'term';
}

/**
 * A bus that delivers nothing by itself: the test picks which pending message goes to which
 * consumer, when, and whether it comes again (a duplicate, as at-least-once delivery allows).
 * For property tests of the real handlers under every delivery order.
 */
export class ControlledBus implements EventBus {
  private readonly durables: Durable[] = [];
  private readonly published: { subject: EventSubject; body: string }[] = [];
  private readonly seen = new Set<string>();
  readonly deliveries: DeliveryRecord[] = [];
  readonly deadLetters: { subject: EventSubject; reason: string }[] = [];

  async publish(subject: EventSubject, msgId: string, body: string): Promise<void> {
    if (this.seen.has(msgId)) return;
    this.seen.add(msgId);
    this.published.push({ subject, body });
    for (const d of this.durables) if (d.subject === subject) d.queue.push({ subject, body, deliveries: 0 });
  }

  async consume(opts: ConsumerOptions, onMessage: (d: Delivery) => Promise<void>): Promise<Consumer> {
    // A new durable starts from the first message, as on JetStream.
    const queue = this.published.filter((m) => m.subject === opts.subject).map((m) => ({ ...m, deliveries: 0 }));
    const durable: Durable = { name: opts.durable, subject: opts.subject, queue, onMessage };
    this.durables.push(durable);
    return {
      stop: async () => {
        this.durables.splice(this.durables.indexOf(durable), 1);
      },
    };
  }

  async deadLetter(subject: EventSubject, _body: string, reason: string): Promise<void> {
    this.deadLetters.push({ subject, reason });
  }

  async close(): Promise<void> {
    this.durables.length = 0;
  }

  /** How many messages wait, per durable, in a stable order. */
  pending(): { durable: string; count: number }[] {
    return this.durables.filter((d) => d.queue.length > 0).map((d) => ({ durable: d.name, count: d.queue.length }));
  }

  get idle(): boolean {
    return this.durables.every((d) => d.queue.length === 0);
  }

  /**
   * Delivers the `index`-th pending message of `durable` (both taken modulo what is there). With
   * `again`, an acked message stays queued, so it will be delivered once more later.
   */
  async deliver(durable: string, index: number, again = false): Promise<void> {
    const d = this.durables.find((x) => x.name === durable);
    if (!d || d.queue.length === 0) return;
    const at = index % d.queue.length;
    const m = d.queue[at]!;
    m.deliveries++;
    const settled: { outcome: DeliveryRecord['outcome'] } = { outcome: 'nak' };
    await d.onMessage({
      body: m.body,
      deliveryCount: m.deliveries,
      ack: () => void (settled.outcome = 'ack'),
      nak: () => void (settled.outcome = 'nak'),
      term: () => void (settled.outcome = 'term'),
    });
    const { outcome } = settled;
    this.deliveries.push({ durable, subject: m.subject, body: m.body, outcome });
    if (outcome === 'term' || (outcome === 'ack' && !again)) d.queue.splice(at, 1);
    // A nak'd message comes back after the others, as a redelivery after its delay would.
    else if (outcome === 'nak') d.queue.push(...d.queue.splice(at, 1));
  }

  /** Delivers everything still pending, round-robin over durables, until nothing is left. */
  async settle(maxRounds = 10_000): Promise<void> {
    for (let round = 0; !this.idle; round++) {
      if (round >= maxRounds) throw new Error(`bus did not settle: ${JSON.stringify(this.pending())}`);
      for (const { durable } of this.pending()) await this.deliver(durable, 0);
    }
  }
}
