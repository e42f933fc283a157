import type { EventSubject } from '../events/contract';

/** One delivery of a message to a durable consumer. Exactly one of ack/nak/term settles it. */
export interface Delivery {
  readonly body: string;
  /** 1 on the first delivery. */
  readonly deliveryCount: number;
  ack(): void;
  nak(delayMs: number): void;
  term(): void;
}

export interface ConsumerOptions {
  /** Shared by every replica of a service, so they split the work instead of each doing it. */
  durable: string;
  subject: EventSubject;
  /** An unsettled delivery is redelivered after this long. */
  ackWaitMs: number;
  /**
   * Deliveries handled at once by this process (default 1). More than one means a later message
   * may be applied before an earlier one; handlers must already cope with that (versions, "only if
   * still my order", retry-later), as every consumer does across subjects and replicas.
   */
  concurrency?: number;
}

/**
 * The EventBus port. Adapters: NATS JetStream, and an in-process bus for the single-process
 * runtime. Delivery is at least once; `publish` de-duplicates on `msgId`.
 */
export interface EventBus {
  publish(subject: EventSubject, msgId: string, body: string): Promise<void>;
  /** Delivers messages to `onMessage`, up to `concurrency` at once; resolves once the consumer is running. */
  consume(opts: ConsumerOptions, onMessage: (d: Delivery) => Promise<void>): Promise<Consumer>;
  deadLetter(subject: EventSubject, body: string, reason: string): Promise<void>;
  close(): Promise<void>;
}

export interface Consumer {
  /** Stops taking messages and waits for the one in hand to settle. */
  stop(): Promise<void>;
}
