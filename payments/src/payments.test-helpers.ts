import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { EventData } from '@ticketyboo/common';
import { eventually, publishEvent, type ServiceHarness, type TestUser } from '@ticketyboo/common/testing';

export { newUser, type TestUser } from '@ticketyboo/common/testing';
import type { ChargeJson } from './charge';

export function orderEvent(
  buyer: TestUser,
  over: { priceCents?: number; expiresInMs?: number } = {},
): EventData<'order.created'> {
  return {
    id: randomUUID(),
    userId: buyer.id,
    status: 'created',
    expiresAt: new Date(Date.now() + (over.expiresInMs ?? 600_000)).toISOString(),
    version: 0,
    ticket: { id: randomUUID(), title: 'Test gig', priceCents: over.priceCents ?? 2500 },
  };
}

/** Places an order the way the orders service would announce it, and waits for the replica. */
export async function knownOrder(
  h: ServiceHarness,
  buyer: TestUser,
  over: { priceCents?: number; expiresInMs?: number } = {},
): Promise<EventData<'order.created'>> {
  const o = orderEvent(buyer, over);
  await publishEvent(h.bus, 'order.created', o);
  await eventually(async () => ((await h.db.query('SELECT 1 FROM orders WHERE id = $1', [o.id])).rowCount ? true : undefined));
  return o;
}

export function cancelOrder(h: ServiceHarness, o: EventData<'order.created'>, reason: EventData<'order.cancelled'>['reason'] = 'expired') {
  return publishEvent(h.bus, 'order.cancelled', { id: o.id, version: o.version + 1, ticket: { id: o.ticket.id }, reason });
}

export function pay(h: ServiceHarness, buyer: TestUser, orderId: string, token = 'tok_visa') {
  return request(h.app).post('/api/payments').set('Cookie', buyer.cookie).send({ orderId, token });
}

export async function chargesOf(h: ServiceHarness, buyer: TestUser, orderId: string): Promise<ChargeJson[]> {
  const res = await request(h.app).get('/api/payments').query({ orderId }).set('Cookie', buyer.cookie).expect(200);
  return res.body as ChargeJson[];
}

/** Waits until payments' copy of the order has caught up with an event. */
export async function replicaShows(h: ServiceHarness, orderId: string, status: string): Promise<void> {
  await eventually(async () => {
    const { rows } = await h.db.query<{ status: string }>('SELECT status FROM orders WHERE id = $1', [orderId]);
    return rows[0]?.status === status ? true : undefined;
  });
}
