import { connect, headers, nanos, type NatsConnection } from '@nats-io/transport-node';
import {
  AckPolicy,
  DeliverPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  jetstream,
  jetstreamManager,
  StorageType,
  type JetStreamClient,
  type JetStreamManager,
  type ConsumerMessages,
  type JsMsg,
} from '@nats-io/jetstream';
import type { EventSubject } from '../events/contract';
import type { Consumer, ConsumerOptions, Delivery, EventBus } from './event-bus';

export interface JetStreamBusOptions {
  servers: string;
  /** The events stream; its dead letters go to `${stream}_DEAD`. */
  stream: string;
  /** Subjects are `${prefix}.events.<subject>` and `${prefix}.dead.<subject>`. */
  subjectPrefix: string;
  connectionName?: string;
  /** Copies of each stream kept by a NATS cluster (1 on a single server, 3 on a 3-node cluster). Applied when the stream is created. */
  replicas?: number;
}

const DUPLICATE_WINDOW_MS = 2 * 60_000;
const DEAD_REASON = 'Ticketyboo-Dead-Reason';

export class JetStreamBus implements EventBus {
  private readonly consumers = new Set<Consumer>();

  private constructor(
    private readonly nc: NatsConnection,
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    private readonly opts: JetStreamBusOptions,
  ) {}

  static async connect(opts: JetStreamBusOptions): Promise<JetStreamBus> {
    const nc = await connect({
      servers: opts.servers,
      name: opts.connectionName,
      maxReconnectAttempts: -1,
    });
    const jsm = await jetstreamManager(nc);
    const bus = new JetStreamBus(nc, jetstream(nc), jsm, opts);
    await bus.ensureStream(opts.stream, `${opts.subjectPrefix}.events.>`);
    await bus.ensureStream(`${opts.stream}_DEAD`, `${opts.subjectPrefix}.dead.>`);
    return bus;
  }

  private async ensureStream(name: string, subject: string): Promise<void> {
    try {
      await this.jsm.streams.info(name);
    } catch (err) {
      if (!isNotFound(err)) throw err;
      try {
        await this.jsm.streams.add({
          name,
          subjects: [subject],
          storage: StorageType.File,
          duplicate_window: nanos(DUPLICATE_WINDOW_MS),
          num_replicas: this.opts.replicas ?? 1,
        });
      } catch (addErr) {
        // Another replica created it between our look and our add.
        if (!(await this.streamExists(name))) throw addErr;
      }
    }
  }

  private async streamExists(name: string): Promise<boolean> {
    try {
      await this.jsm.streams.info(name);
      return true;
    } catch {
      return false;
    }
  }

  /** Resolves when JetStream answers for the events stream (a readiness check). */
  async ping(): Promise<void> {
    await this.jsm.streams.info(this.opts.stream);
  }

  private subjectOf(kind: 'events' | 'dead', subject: EventSubject): string {
    return `${this.opts.subjectPrefix}.${kind}.${subject}`;
  }

  async publish(subject: EventSubject, msgId: string, body: string): Promise<void> {
    await this.js.publish(this.subjectOf('events', subject), body, { msgID: msgId });
  }

  async deadLetter(subject: EventSubject, body: string, reason: string): Promise<void> {
    const h = headers();
    h.set(DEAD_REASON, reason.slice(0, 1000).replace(/[\r\n]+/g, ' '));
    await this.js.publish(this.subjectOf('dead', subject), body, { headers: h });
  }

  /** Reasons of the messages in the dead-letter stream, oldest first (for operators and tests). */
  async readDeadLetters(limit = 1000): Promise<string[]> {
    const name = `${this.opts.stream}_DEAD`;
    const { state } = await this.jsm.streams.info(name);
    const reasons: string[] = [];
    for (let seq = state.first_seq; seq <= state.last_seq && reasons.length < limit; seq++) {
      const m = await this.jsm.streams.getMessage(name, { seq });
      if (m) reasons.push(m.header.get(DEAD_REASON));
    }
    return reasons;
  }

  async consume(opts: ConsumerOptions, onMessage: (d: Delivery) => Promise<void>): Promise<Consumer> {
    const config = {
      durable_name: opts.durable,
      filter_subject: this.subjectOf('events', opts.subject),
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      ack_wait: nanos(opts.ackWaitMs),
      max_ack_pending: 1000,
    };
    try {
      await this.jsm.consumers.add(this.opts.stream, config);
    } catch (err) {
      // Exists with another config (e.g. a changed ack wait): bring it up to date.
      if (!(err instanceof JetStreamApiError)) throw err;
      await this.jsm.consumers.update(this.opts.stream, opts.durable, { ack_wait: config.ack_wait });
    }
    const c = await this.js.consumers.get(this.opts.stream, opts.durable);
    const messages: ConsumerMessages = await c.consume({ max_messages: 100 });
    const handle = async (m: JsMsg) => {
      try {
        await onMessage({
          body: m.string(),
          deliveryCount: m.info.deliveryCount,
          ack: () => m.ack(),
          nak: (delayMs) => m.nak(delayMs),
          term: () => m.term(),
        });
      } catch {
        // Left unsettled: JetStream redelivers it after the ack wait.
      }
    };
    const concurrency = Math.max(1, opts.concurrency ?? 1);
    const loop = (async () => {
      const inFlight = new Set<Promise<void>>();
      for await (const m of messages) {
        const handling: Promise<void> = handle(m).finally(() => inFlight.delete(handling));
        inFlight.add(handling);
        if (inFlight.size >= concurrency) await Promise.race(inFlight);
      }
      await Promise.all(inFlight);
    })();
    const consumer: Consumer = {
      stop: async () => {
        this.consumers.delete(consumer);
        await messages.close();
        await loop;
      },
    };
    this.consumers.add(consumer);
    return consumer;
  }

  async close(): Promise<void> {
    await Promise.all([...this.consumers].map((c) => c.stop()));
    await this.nc.drain();
  }
}

function isNotFound(err: unknown): boolean {
  return err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamNotFound;
}
