import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { EventEnvelope } from '@ticketyboo/common';
import { bothBuses, eventually, startService, type ServiceHarness } from '@ticketyboo/common/testing';
import { ticketsService } from './tickets-service';
import type { TicketJson } from './ticket';
import {
  chargeCreated,
  getTicket,
  listTicket,
  newUser,
  orderCancelled,
  orderCreated,
  publishEvent,
  type TestUser,
} from './tickets.test-helpers';

describe.each(bothBuses)('tickets consuming order and charge events on PostgreSQL + %s', (busKind) => {
  let h: ServiceHarness;
  let seller: TestUser;
  let updated: EventEnvelope<'ticket.updated'>[];

  beforeAll(async () => {
    h = await startService(ticketsService, { bus: busKind });
    updated = await h.events('ticket.updated');
  });
  afterAll(() => h.dispose());
  beforeEach(() => {
    seller = newUser(h);
  });

  /** Waits until the ticket reaches `version` (every change bumps it by one) and returns it. */
  function atVersion(id: string, version: number): Promise<TicketJson> {
    return eventually(async () => {
      const t = await getTicket(h, id);
      return t.version >= version ? t : undefined;
    });
  }

  it('locks on order.created, publishing ticket.updated with the order', async () => {
    const t = await listTicket(h, seller, { title: 'Lock me', price: 40 });
    const orderId = randomUUID();
    await publishEvent(h.bus, 'order.created', orderCreated(t, orderId));
    expect(await atVersion(t.id, 1)).toMatchObject({ status: 'locked', orderId, version: 1 });
    const event = await eventually(() => updated.find((e) => e.data.id === t.id && e.data.version === 1));
    expect(event.data).toMatchObject({ status: 'locked', orderId });
  });

  it('applies a redelivered order.created once', async () => {
    const t = await listTicket(h, seller, { title: 'Once', price: 40 });
    const data = orderCreated(t);
    const eventId = randomUUID();
    await publishEvent(h.bus, 'order.created', data, eventId);
    await publishEvent(h.bus, 'order.created', data, eventId);
    await atVersion(t.id, 1);
    // A later event on the same subject acts as a marker: once it is applied, both copies were.
    const marker = await listTicket(h, seller, { title: 'marker', price: 1 });
    await publishEvent(h.bus, 'order.created', orderCreated(marker));
    await atVersion(marker.id, 1);
    expect(await getTicket(h, t.id)).toMatchObject({ status: 'locked', orderId: data.id, version: 1 });
  });

  it('ignores a stale order.cancelled for an order that no longer holds the ticket', async () => {
    const t = await listTicket(h, seller, { title: 'Contended', price: 40 });
    const first = randomUUID();
    const second = randomUUID();
    await publishEvent(h.bus, 'order.created', orderCreated(t, first));
    await atVersion(t.id, 1);
    await publishEvent(h.bus, 'order.cancelled', orderCancelled(t, first));
    await atVersion(t.id, 2);
    await publishEvent(h.bus, 'order.created', orderCreated(t, second));
    await atVersion(t.id, 3);
    // A late duplicate of the first order's cancel (another event id, so the inbox cannot help).
    await publishEvent(h.bus, 'order.cancelled', orderCancelled(t, first));
    // The seller's edit is refused while the lock holds: a marker that the stale cancel was consumed.
    const marker = randomUUID();
    await publishEvent(h.bus, 'order.cancelled', orderCancelled(t, marker));
    await eventually(async () => {
      const r = await h.db.query('SELECT 1 FROM released_orders WHERE order_id = $1', [marker]);
      return r.rowCount > 0 ? true : undefined;
    });
    expect(await getTicket(h, t.id)).toMatchObject({ status: 'locked', orderId: second, version: 3 });
    await request(h.app).put(`/api/tickets/${t.id}`).set('Cookie', seller.cookie).send({ title: 'x', price: 1 }).expect(409);
  });

  it('locks nothing for an order whose cancel arrived first', async () => {
    const t = await listTicket(h, seller, { title: 'Overtaken', price: 40 });
    const orderId = randomUUID();
    await publishEvent(h.bus, 'order.cancelled', orderCancelled(t, orderId));
    await eventually(async () => ((await h.db.query('SELECT 1 FROM released_orders WHERE order_id = $1', [orderId])).rowCount ? true : undefined));
    await publishEvent(h.bus, 'order.created', orderCreated(t, orderId));
    const next = randomUUID();
    await publishEvent(h.bus, 'order.created', orderCreated(t, next));
    // The next order locks it at version 1: the overtaken order never did.
    expect(await atVersion(t.id, 1)).toMatchObject({ status: 'locked', orderId: next, version: 1 });
  });

  it('waits for an older lock to be released before locking for a newer order', async () => {
    const t = await listTicket(h, seller, { title: 'Handover', price: 40 });
    const older = randomUUID();
    const newer = randomUUID();
    await publishEvent(h.bus, 'order.created', orderCreated(t, older));
    await atVersion(t.id, 1);
    // Orders cancelled the older and created the newer; the create arrives first.
    await publishEvent(h.bus, 'order.created', orderCreated(t, newer));
    await publishEvent(h.bus, 'order.cancelled', orderCancelled(t, older));
    expect(await atVersion(t.id, 3)).toMatchObject({ status: 'locked', orderId: newer, version: 3 });
  });

  it('sells on a succeeded charge for the holding order; a stale cancel of an older order never unsells it', async () => {
    const t = await listTicket(h, seller, { title: 'Sold out', price: 40 });
    const older = randomUUID();
    await publishEvent(h.bus, 'order.created', orderCreated(t, older));
    await atVersion(t.id, 1);
    await publishEvent(h.bus, 'order.cancelled', orderCancelled(t, older));
    await atVersion(t.id, 2);
    const orderId = randomUUID();
    await publishEvent(h.bus, 'order.created', orderCreated(t, orderId));
    await atVersion(t.id, 3);
    await publishEvent(h.bus, 'charge.created', chargeCreated(orderId));
    expect(await atVersion(t.id, 4)).toMatchObject({ status: 'sold', orderId });
    // A duplicate of the older order's cancel changes nothing.
    await publishEvent(h.bus, 'order.cancelled', orderCancelled(t, older));
    const marker = await listTicket(h, seller, { title: 'marker', price: 1 });
    await publishEvent(h.bus, 'order.created', orderCreated(marker, randomUUID()));
    await atVersion(marker.id, 1);
    expect(await getTicket(h, t.id)).toMatchObject({ status: 'sold', orderId, version: 4 });
  });

  it('puts the ticket back on sale when the charge of an order that was cancelled meanwhile arrives first', async () => {
    // The buyer cancelled while the card was at the processor: orders cancelled the order, payments refunds the charge.
    const t = await listTicket(h, seller, { title: 'Cancelled mid-payment', price: 40 });
    const orderId = randomUUID();
    await publishEvent(h.bus, 'order.created', orderCreated(t, orderId));
    await publishEvent(h.bus, 'charge.created', chargeCreated(orderId));
    await atVersion(t.id, 2);
    // Orders admitted a next buyer once it cancelled; that order waits for the sale to be undone.
    const next = randomUUID();
    await publishEvent(h.bus, 'order.created', orderCreated(t, next));
    await publishEvent(h.bus, 'order.cancelled', orderCancelled(t, orderId));
    expect(await atVersion(t.id, 4)).toMatchObject({ status: 'locked', orderId: next });
  });

  it('ignores a failed charge and a late charge for an order that was already cancelled', async () => {
    const t = await listTicket(h, seller, { title: 'Late payer', price: 40 });
    const orderId = randomUUID();
    await publishEvent(h.bus, 'order.created', orderCreated(t, orderId));
    await atVersion(t.id, 1);
    await publishEvent(h.bus, 'charge.created', chargeCreated(orderId, 'failed'));
    await publishEvent(h.bus, 'order.cancelled', orderCancelled(t, orderId));
    await atVersion(t.id, 2);
    await publishEvent(h.bus, 'charge.created', chargeCreated(orderId));
    const next = randomUUID();
    await publishEvent(h.bus, 'order.created', orderCreated(t, next));
    expect(await atVersion(t.id, 3)).toMatchObject({ status: 'locked', orderId: next, version: 3 });
  });

  it('publishes ticket.updated with versions that increase by exactly one per change', async () => {
    const t = await listTicket(h, seller, { title: 'Versioned', price: 10 });
    const put = (price: number) =>
      request(h.app).put(`/api/tickets/${t.id}`).set('Cookie', seller.cookie).send({ title: 'Versioned', price }).expect(200);
    await put(11);
    const a = randomUUID();
    await publishEvent(h.bus, 'order.created', orderCreated(t, a));
    await atVersion(t.id, 2);
    await publishEvent(h.bus, 'order.cancelled', orderCancelled(t, a));
    await atVersion(t.id, 3);
    await put(12);
    const b = randomUUID();
    await publishEvent(h.bus, 'order.created', orderCreated(t, b));
    await atVersion(t.id, 5);
    await publishEvent(h.bus, 'charge.created', chargeCreated(b));
    await atVersion(t.id, 6);
    const versions = await eventually(() => {
      const v = updated.filter((e) => e.data.id === t.id).map((e) => e.data.version);
      return v.length === 6 ? v : undefined;
    });
    expect(versions).toEqual([1, 2, 3, 4, 5, 6]);
  });
});
