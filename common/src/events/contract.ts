import { z } from 'zod';

const id = z.uuid();
const version = z.number().int().nonnegative();
const cents = z.number().int().nonnegative();
const timestamp = z.iso.datetime({ offset: true });

const user = z.object({ id, email: z.email(), version });

export const ticketStatus = z.enum(['available', 'locked', 'sold']);
const ticket = z.object({
  id,
  title: z.string(),
  priceCents: cents,
  userId: id,
  orderId: id.nullable(),
  status: ticketStatus,
  version,
});

export const orderStatus = z.enum(['created', 'complete', 'cancelled']);

/**
 * The one event map: subject → runtime schema. Every payload of an entity event carries the
 * entity's `version`, so a consumer can apply them in order and ignore stale ones.
 */
export const eventSchemas = {
  'user.created': user,
  'user.updated': user,
  'ticket.created': ticket,
  'ticket.updated': ticket,
  'order.created': z.object({
    id,
    userId: id,
    status: orderStatus,
    expiresAt: timestamp,
    version,
    ticket: z.object({ id, title: z.string(), priceCents: cents }),
  }),
  'order.cancelled': z.object({
    id,
    version,
    ticket: z.object({ id }),
    reason: z.enum(['buyer', 'expired', 'payment_failed', 'superseded']),
  }),
  'order.expired': z.object({ id, version }),
  // Sign-out ends one session everywhere (every service checks session JWTs itself); a password or
  // email change ends each of the user's other sessions, one event per session.
  'session.revoked': z.object({ sid: id, userId: id, expiresAt: timestamp }),
  'charge.created': z.object({
    id,
    orderId: id,
    status: z.enum(['succeeded', 'failed', 'refunded']),
    amountCents: cents,
    currency: z.string(),
    stripeId: z.string(),
    version,
  }),
} as const;

export type EventSubject = keyof typeof eventSchemas;
export type EventData<S extends EventSubject> = z.infer<(typeof eventSchemas)[S]>;
export const eventSubjects = Object.keys(eventSchemas) as EventSubject[];

export function isEventSubject(s: string): s is EventSubject {
  return Object.hasOwn(eventSchemas, s);
}

/** What travels on the bus. `id` is the outbox row id: the de-duplication key end to end. */
export interface EventEnvelope<S extends EventSubject = EventSubject> {
  id: string;
  subject: S;
  occurredAt: string;
  /** The HTTP request whose transaction caused this event, if one did: followed across services in the logs. */
  requestId?: string;
  data: EventData<S>;
}

export type ParseResult<S extends EventSubject> =
  | { ok: true; envelope: EventEnvelope<S> }
  | { ok: false; reason: string };

const envelopeShape = z.object({
  id,
  subject: z.string(),
  occurredAt: timestamp,
  requestId: z.string().max(64).optional(),
  data: z.unknown(),
});

/** Parses a raw message expected on `subject`; never throws. */
export function parseEnvelope<S extends EventSubject>(subject: S, raw: string): ParseResult<S> {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { ok: false, reason: 'message is not JSON' };
  }
  const env = envelopeShape.safeParse(json);
  if (!env.success) return { ok: false, reason: `bad envelope: ${z.prettifyError(env.error)}` };
  if (env.data.subject !== subject) {
    return { ok: false, reason: `envelope subject ${env.data.subject} does not match ${subject}` };
  }
  const data = eventSchemas[subject].safeParse(env.data.data);
  if (!data.success) return { ok: false, reason: `bad ${subject} payload: ${z.prettifyError(data.error)}` };
  return {
    ok: true,
    envelope: {
      id: env.data.id,
      subject,
      occurredAt: env.data.occurredAt,
      ...(env.data.requestId ? { requestId: env.data.requestId } : {}),
      data: data.data as EventData<S>,
    },
  };
}
