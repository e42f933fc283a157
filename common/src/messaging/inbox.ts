import type { Consumer, EventBus } from '../bus/event-bus';
import { subscribe } from '../bus/subscribe';
import type { EventData, EventEnvelope, EventSubject } from '../events/contract';
import type { Logger } from '../log';
import type { Outbox, Tx } from './outbox';

export interface InboxHandlerOptions<S extends EventSubject> {
  /** The consuming service; with the subject it names the durable consumer and the inbox key. */
  service: string;
  subject: S;
  handler: (tx: Tx, data: EventData<S>, event: EventEnvelope<S>) => Promise<void>;
  maxDeliver?: number;
}

/**
 * Inbox handlers run in a transaction each and are written for any delivery order (the property
 * test delivers in every order), so a consumer applies several at once: one at a time, a burst of
 * expiries queued behind each event's database round trips (npm run bench: expiry lateness).
 */
const INBOX_CONCURRENCY = 8;

/**
 * Consumes through the idempotent inbox: the event id is recorded in the same transaction as
 * the handler's effects (and any events it publishes), so a redelivered event has no second
 * effect; the message is acked only after that transaction committed.
 */
export function consumeWithInbox<S extends EventSubject>(
  outbox: Outbox,
  bus: EventBus,
  log: Logger,
  opts: InboxHandlerOptions<S>,
): Promise<Consumer> {
  const consumer = `${opts.service}:${opts.subject}`;
  return subscribe(bus, log, {
    durable: `${opts.service}-${opts.subject.replace(/\./g, '-')}`,
    subject: opts.subject,
    maxDeliver: opts.maxDeliver,
    concurrency: INBOX_CONCURRENCY,
    handler: (event) =>
      outbox.transaction(async (tx) => {
        const fresh = await tx.query(
          'INSERT INTO inbox (consumer, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING',
          [consumer, event.id],
        );
        if (fresh.rowCount === 0) return;
        await opts.handler(tx, event.data, event);
      }),
  });
}

/** One handler per subject a service consumes through its inbox. */
export type InboxHandlers = {
  [S in EventSubject]?: (tx: Tx, data: EventData<S>, event: EventEnvelope<S>) => Promise<void>;
};

/** Starts a durable inbox consumer for each subject in `handlers`, in order. */
export async function consumeAllWithInbox(
  outbox: Outbox,
  bus: EventBus,
  log: Logger,
  service: string,
  handlers: InboxHandlers,
): Promise<Consumer[]> {
  const consumers: Consumer[] = [];
  for (const subject of Object.keys(handlers) as EventSubject[]) {
    const handler = handlers[subject] as InboxHandlerOptions<EventSubject>['handler'];
    consumers.push(await consumeWithInbox(outbox, bus, log, { service, subject, handler }));
  }
  return consumers;
}
