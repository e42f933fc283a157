import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { EventData } from '@ticketyboo/common';
import { eventually, publishEvent, type ServiceHarness, type TestUser } from '@ticketyboo/common/testing';

export { newUser, type TestUser } from '@ticketyboo/common/testing';
import type { OrderJson } from './order';

export function ticketEvent(
  seller: TestUser,
  over: Partial<EventData<'ticket.created'>> = {},
): EventData<'ticket.created'> {
  return {
    id: randomUUID(),
    title: 'Test gig',
    priceCents: 2500,
    userId: seller.id,
    orderId: null,
    status: 'available',
    version: 0,
    ...over,
  };
}

/** Lists a ticket the way the tickets service would announce it, and waits for the replica. */
export async function knownTicket(
  h: ServiceHarness,
  seller: TestUser,
  over: Partial<EventData<'ticket.created'>> = {},
): Promise<EventData<'ticket.created'>> {
  const t = ticketEvent(seller, over);
  await publishEvent(h.bus, 'ticket.created', t);
  await eventually(async () => ((await h.db.query('SELECT 1 FROM tickets WHERE id = $1', [t.id])).rowCount ? true : undefined));
  return t;
}

export async function placeOrder(h: ServiceHarness, buyer: TestUser, ticketId: string): Promise<OrderJson> {
  const res = await request(h.app).post('/api/orders').set('Cookie', buyer.cookie).send({ ticketId }).expect(201);
  return res.body as OrderJson;
}

export async function orderStatus(h: ServiceHarness, buyer: TestUser, id: string): Promise<OrderJson> {
  return (await request(h.app).get(`/api/orders/${id}`).set('Cookie', buyer.cookie).expect(200)).body as OrderJson;
}

export function charge(orderId: string, status: 'succeeded' | 'failed'): EventData<'charge.created'> {
  return { id: randomUUID(), orderId, status, amountCents: 2500, currency: 'usd', stripeId: 'pi_test', version: 0 };
}
