import type { Logger } from '../log';
import { runInContext } from '../observability/context';
import { eventsConsumed, eventsDeadLettered } from '../observability/metrics';
import { parseEnvelope, type EventEnvelope, type EventSubject } from '../events/contract';
import type { Consumer, Delivery, EventBus } from './event-bus';

/**
 * Thrown by a handler that cannot apply an event yet (e.g. it is ahead of a version it has not
 * seen): the event comes back later, without an error in the log.
 */
export class RetryLaterError extends Error {
  constructor(
    message: string,
    readonly delayMs = 250,
  ) {
    super(message);
  }
}

export interface SubscribeOptions<S extends EventSubject> {
  durable: string;
  subject: S;
  handler: (event: EventEnvelope<S>) => Promise<void>;
  /** After this many deliveries a failing event is dead-lettered so it cannot block the rest. */
  maxDeliver?: number;
  ackWaitMs?: number;
  /** Events handled at once by this process; see ConsumerOptions.concurrency. */
  concurrency?: number;
}

const DEFAULT_MAX_DELIVER = 20;
/** With RetryLater's 250 ms, 20 × 60 waits are five minutes: longer than any outage a consumer should ride out in order. */
const WAITS_PER_DELIVERY = 60;

/**
 * Subscribes a typed handler: a message that fails its schema is dead-lettered at once, a
 * handler failure is retried with backoff, and the message is acked only after the handler
 * resolved (for inbox handlers: after their transaction committed).
 */
export function subscribe<S extends EventSubject>(
  bus: EventBus,
  log: Logger,
  opts: SubscribeOptions<S>,
): Promise<Consumer> {
  const maxDeliver = opts.maxDeliver ?? DEFAULT_MAX_DELIVER;
  const deadLetter = async (d: Delivery, reason: string) => {
    log.error({ subject: opts.subject, durable: opts.durable, reason }, 'event dead-lettered');
    eventsDeadLettered.inc({ consumer: opts.durable, subject: opts.subject });
    await bus.deadLetter(opts.subject, d.body, reason);
    d.term();
  };
  return bus.consume(
    { durable: opts.durable, subject: opts.subject, ackWaitMs: opts.ackWaitMs ?? 30_000, concurrency: opts.concurrency },
    async (d) => {
      const parsed = parseEnvelope(opts.subject, d.body);
      if (!parsed.ok) {
        await deadLetter(d, parsed.reason);
        return;
      }
      const { envelope } = parsed;
      try {
        // The handler's logs and the events it publishes carry the request that started it all.
        await runInContext({ requestId: envelope.requestId, eventId: envelope.id }, async () => {
          await opts.handler(envelope);
          log.debug({ subject: opts.subject, durable: opts.durable, attempt: d.deliveryCount }, 'event handled');
        });
        d.ack();
        eventsConsumed.inc({ consumer: opts.durable, subject: opts.subject });
      } catch (err) {
        const retry = err instanceof RetryLaterError;
        // Waiting for an event that is merely late is not failing: it gets far longer before anyone gives up on it.
        if (d.deliveryCount >= (retry ? maxDeliver * WAITS_PER_DELIVERY : maxDeliver)) {
          await deadLetter(d, `failed ${d.deliveryCount} times: ${String(err)}`);
          return;
        }
        if (!retry) {
          log.warn({ err, subject: opts.subject, eventId: envelope.id, attempt: d.deliveryCount }, 'handler failed');
        }
        d.nak(retry ? err.delayMs : backoff(d.deliveryCount));
      }
    },
  );
}

function backoff(attempt: number): number {
  return Math.min(100 * 2 ** (attempt - 1), 10_000);
}
