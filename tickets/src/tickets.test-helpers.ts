import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { EventData } from '@ticketyboo/common';
import { publishEvent, type ServiceHarness, type TestUser } from '@ticketyboo/common/testing';

export { newUser, type TestUser } from '@ticketyboo/common/testing';
import type { TicketJson } from './ticket';

export async function listTicket(h: ServiceHarness, seller: TestUser, body: { title: string; price: number }): Promise<TicketJson> {
  const res = await request(h.app).post('/api/tickets').set('Cookie', seller.cookie).send(body).expect(201);
  return res.body as TicketJson;
}

export async function getTicket(h: ServiceHarness, id: string): Promise<TicketJson> {
  return (await request(h.app).get(`/api/tickets/${id}`).expect(200)).body as TicketJson;
}

export function orderCreated(ticket: TicketJson, orderId = randomUUID()): EventData<'order.created'> {
  return {
    id: orderId,
    userId: randomUUID(),
    status: 'created',
    expiresAt: new Date(Date.now() + 900_000).toISOString(),
    version: 0,
    ticket: { id: ticket.id, title: ticket.title, priceCents: Math.round(ticket.price * 100) },
  };
}

export function orderCancelled(ticket: TicketJson, orderId: string): EventData<'order.cancelled'> {
  return { id: orderId, version: 1, ticket: { id: ticket.id }, reason: 'buyer' };
}

export function chargeCreated(orderId: string, status: 'succeeded' | 'failed' = 'succeeded'): EventData<'charge.created'> {
  return {
    id: randomUUID(),
    orderId,
    status,
    amountCents: 1000,
    currency: 'usd',
    stripeId: `pi_${randomUUID().slice(0, 8)}`,
    version: 0,
  };
}

export { publishEvent };
