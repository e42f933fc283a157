import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { EventEnvelope } from '@ticketyboo/common';
import { bothBuses, eventually, publishEvent, startService, type ServiceHarness } from '@ticketyboo/common/testing';
import { ordersService } from './orders-service';
import type { OrderJson } from './order';
import { charge, knownTicket, newUser, orderStatus, placeOrder, ticketEvent, type TestUser } from './orders.test-helpers';

const LOCK_SECONDS = 600;

describe.each(bothBuses)('orders on PostgreSQL + %s', (busKind) => {
  let h: ServiceHarness;
  let seller: TestUser;
  let buyer: TestUser;
  let created: EventEnvelope<'order.created'>[];
  let cancelled: EventEnvelope<'order.cancelled'>[];

  beforeAll(async () => {
    h = await startService(ordersService, { bus: busKind }, { ORDER_EXPIRATION_SECONDS: String(LOCK_SECONDS), REPLICA_WAIT_MS: '300' });
    created = await h.events('order.created');
    cancelled = await h.events('order.cancelled');
  });
  afterAll(() => h.dispose());
  beforeEach(() => {
    seller = newUser(h);
    buyer = newUser(h);
  });

  it('refuses a session that was signed out, once auth says so', async () => {
    await request(h.app).get('/api/orders').set('Cookie', buyer.cookie).expect(200);
    const session = h.tokens.verify(buyer.cookie.replace(/^session=/, ''))!;
    await publishEvent(h.bus, 'session.revoked', { sid: session.sid, userId: buyer.id, expiresAt: session.expiresAt.toISOString() });
    await eventually(async () => ((await request(h.app).get('/api/orders').set('Cookie', buyer.cookie)).status === 401 ? true : undefined));
    // Other sessions of the same user are untouched.
    await request(h.app).get('/api/orders').set('Cookie', newUser(h).cookie).expect(200);
  });

  describe('POST /api/orders', () => {
    it('locks the ticket for the buyer at the price they saw, for ORDER_EXPIRATION_SECONDS, and publishes order.created', async () => {
      const t = await knownTicket(h, seller, { title: 'Headliner', priceCents: 4999 });
      const before = Date.now();
      const order = await placeOrder(h, buyer, t.id);
      expect(order).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        userId: buyer.id,
        status: 'created',
        expiresAt: expect.any(String),
        version: 0,
        ticket: { id: t.id, title: 'Headliner', price: 49.99 },
      });
      const lockMs = Date.parse(order.expiresAt) - before;
      expect(lockMs).toBeGreaterThan(LOCK_SECONDS * 1000 - 5000);
      expect(lockMs).toBeLessThan(LOCK_SECONDS * 1000 + 5000);
      const event = await eventually(() => created.find((e) => e.data.id === order.id));
      expect(event.data).toMatchObject({ userId: buyer.id, expiresAt: order.expiresAt, ticket: { id: t.id, priceCents: 4999 } });
    });

    it('refuses anonymous (401), ill-typed (400), unknown ticket (404) and own ticket (403)', async () => {
      const t = await knownTicket(h, seller);
      await request(h.app).post('/api/orders').send({ ticketId: t.id }).expect(401);
      for (const body of [{}, { ticketId: 42 }, { ticketId: 'abc' }]) {
        const res = await request(h.app).post('/api/orders').set('Cookie', buyer.cookie).send(body).expect(400);
        expect(res.body.errors[0].field).toBe('ticketId');
      }
      const unknown = await request(h.app).post('/api/orders').set('Cookie', buyer.cookie).send({ ticketId: randomUUID() }).expect(404);
      expect(unknown.body).toEqual({ errors: [{ message: 'Ticket not found' }] });
      const own = await request(h.app).post('/api/orders').set('Cookie', seller.cookie).send({ ticketId: t.id }).expect(403);
      expect(own.body.errors[0].message).toBe('You cannot buy your own ticket');
    });

    it('waits briefly for a ticket that was just listed instead of answering 404', async () => {
      const t = ticketEvent(seller);
      const response = request(h.app).post('/api/orders').set('Cookie', buyer.cookie).send({ ticketId: t.id }).then((r) => r);
      // The buyer's request is already waiting when the listing reaches this service.
      await new Promise((r) => setTimeout(r, 100));
      await publishEvent(h.bus, 'ticket.created', t);
      expect((await response).status).toBe(201);
    });

    it('places the order at the price the buyer saw, waiting for a price edit that has not reached it yet', async () => {
      const t = await knownTicket(h, seller, { priceCents: 2500 });
      // The buyer saw the seller's new price on the tickets service; its event is still on the way here.
      const response = request(h.app).post('/api/orders').set('Cookie', buyer.cookie).send({ ticketId: t.id, price: 30 }).then((r) => r);
      await publishEvent(h.bus, 'ticket.updated', { ...t, priceCents: 3000, version: 1 });
      const res = await response;
      expect(res.status).toBe(201);
      expect(res.body.ticket.price).toBe(30);
    });

    it('refuses (409) a price that changed after the buyer saw it, and a malformed price (400)', async () => {
      const t = await knownTicket(h, seller, { priceCents: 2500 });
      const stale = await request(h.app).post('/api/orders').set('Cookie', buyer.cookie).send({ ticketId: t.id, price: 20 }).expect(409);
      expect(stale.body).toEqual({ errors: [{ message: 'The price has changed to 25.00' }] });
      for (const price of ['25', -1, 25.001]) {
        const res = await request(h.app).post('/api/orders').set('Cookie', buyer.cookie).send({ ticketId: t.id, price }).expect(400);
        expect(res.body.errors[0].field).toBe('price');
      }
      // Nothing was reserved by those attempts.
      await placeOrder(h, buyer, t.id);
    });

    it('gives a reserved ticket to nobody else (409), and a paid one to nobody ever', async () => {
      const t = await knownTicket(h, seller);
      const order = await placeOrder(h, buyer, t.id);
      const other = newUser(h);
      const res = await request(h.app).post('/api/orders').set('Cookie', other.cookie).send({ ticketId: t.id }).expect(409);
      expect(res.body).toEqual({ errors: [{ message: 'Ticket is already reserved' }] });
      await publishEvent(h.bus, 'charge.created', charge(order.id, 'succeeded'));
      await eventually(async () => ((await orderStatus(h, buyer, order.id)).status === 'complete' ? true : undefined));
      await h.db.query(`UPDATE orders SET expires_at = now() - interval '1 hour' WHERE id = $1`, [order.id]);
      await request(h.app).post('/api/orders').set('Cookie', other.cookie).send({ ticketId: t.id }).expect(409);
    });

    it('lets exactly one of 50 racing buyers have the ticket', async () => {
      const t = await knownTicket(h, seller);
      const buyers = Array.from({ length: 50 }, () => newUser(h));
      const results = await Promise.all(
        buyers.map((b) => request(h.app).post('/api/orders').set('Cookie', b.cookie).send({ ticketId: t.id })),
      );
      const statuses = results.map((r) => r.status);
      expect(statuses.filter((s) => s === 201)).toHaveLength(1);
      expect(statuses.filter((s) => s === 409)).toHaveLength(49);
      const { rows } = await h.db.query('SELECT count(*)::int AS n FROM orders WHERE ticket_id = $1', [t.id]);
      expect(rows[0]).toEqual({ n: 1 });
    });

    it('takes over a lock whose time is up even if its expiry never arrived, cancelling the old order', async () => {
      const t = await knownTicket(h, seller);
      const stale = await placeOrder(h, buyer, t.id);
      // Time passes and the expiration worker is down: only the clock says the lock is over.
      await h.db.query(`UPDATE orders SET expires_at = now() - interval '1 second' WHERE id = $1`, [stale.id]);
      const next = newUser(h);
      const order = await placeOrder(h, next, t.id);
      expect(order.status).toBe('created');
      expect(await orderStatus(h, buyer, stale.id)).toMatchObject({ status: 'cancelled', version: 1 });
      const event = await eventually(() => cancelled.find((e) => e.data.id === stale.id));
      expect(event.data).toEqual({ id: stale.id, version: 1, ticket: { id: t.id }, reason: 'expired' });
    });
  });

  describe('reading and cancelling orders', () => {
    it("lists only the buyer's own orders, newest first", async () => {
      const a = await placeOrder(h, buyer, (await knownTicket(h, seller)).id);
      const b = await placeOrder(h, buyer, (await knownTicket(h, seller)).id);
      await placeOrder(h, newUser(h), (await knownTicket(h, seller)).id);
      const res = await request(h.app).get('/api/orders').set('Cookie', buyer.cookie).expect(200);
      expect((res.body as OrderJson[]).map((o) => o.id)).toEqual([b.id, a.id]);
      await request(h.app).get('/api/orders').expect(401);
    });

    it("shows an order to its buyer only: 403 for another user's, 404 for unknown or malformed ids", async () => {
      const o = await placeOrder(h, buyer, (await knownTicket(h, seller)).id);
      expect((await orderStatus(h, buyer, o.id)).id).toBe(o.id);
      await request(h.app).get(`/api/orders/${o.id}`).set('Cookie', seller.cookie).expect(403);
      await request(h.app).get(`/api/orders/${randomUUID()}`).set('Cookie', buyer.cookie).expect(404);
      await request(h.app).get('/api/orders/nope').set('Cookie', buyer.cookie).expect(404);
    });

    it('cancels at the buyer’s request, frees the ticket and publishes order.cancelled', async () => {
      const t = await knownTicket(h, seller);
      const o = await placeOrder(h, buyer, t.id);
      await request(h.app).delete(`/api/orders/${o.id}`).set('Cookie', seller.cookie).expect(403);
      const res = await request(h.app).delete(`/api/orders/${o.id}`).set('Cookie', buyer.cookie).expect(200);
      expect(res.body).toMatchObject({ id: o.id, status: 'cancelled', version: 1 });
      const again = await request(h.app).delete(`/api/orders/${o.id}`).set('Cookie', buyer.cookie).expect(200);
      expect(again.body).toMatchObject({ status: 'cancelled', version: 1 });
      const event = await eventually(() => cancelled.find((e) => e.data.id === o.id));
      expect(event.data.reason).toBe('buyer');
      await placeOrder(h, newUser(h), t.id);
    });

    it('never cancels a paid order (409)', async () => {
      const o = await placeOrder(h, buyer, (await knownTicket(h, seller)).id);
      await publishEvent(h.bus, 'charge.created', charge(o.id, 'succeeded'));
      await eventually(async () => ((await orderStatus(h, buyer, o.id)).status === 'complete' ? true : undefined));
      const res = await request(h.app).delete(`/api/orders/${o.id}`).set('Cookie', buyer.cookie).expect(409);
      expect(res.body).toEqual({ errors: [{ message: 'Cannot cancel a paid order' }] });
    });
  });

  describe('events', () => {
    it('cancels an unpaid order on order.expired, and ignores it for a paid one', async () => {
      const unpaid = await placeOrder(h, buyer, (await knownTicket(h, seller)).id);
      const paid = await placeOrder(h, buyer, (await knownTicket(h, seller)).id);
      await publishEvent(h.bus, 'charge.created', charge(paid.id, 'succeeded'));
      await eventually(async () => ((await orderStatus(h, buyer, paid.id)).status === 'complete' ? true : undefined));
      await publishEvent(h.bus, 'order.expired', { id: paid.id, version: 0 });
      await publishEvent(h.bus, 'order.expired', { id: unpaid.id, version: 0 });
      const event = await eventually(() => cancelled.find((e) => e.data.id === unpaid.id));
      expect(event.data.reason).toBe('expired');
      expect((await orderStatus(h, buyer, unpaid.id)).status).toBe('cancelled');
      expect((await orderStatus(h, buyer, paid.id)).status).toBe('complete');
    });

    it('cancels the order when its charge failed', async () => {
      const o = await placeOrder(h, buyer, (await knownTicket(h, seller)).id);
      await publishEvent(h.bus, 'charge.created', charge(o.id, 'failed'));
      const event = await eventually(() => cancelled.find((e) => e.data.id === o.id));
      expect(event.data.reason).toBe('payment_failed');
      expect((await orderStatus(h, buyer, o.id)).status).toBe('cancelled');
    });

    it('applies ticket versions in order: a gap waits, an old version is ignored, an order keeps its price', async () => {
      const t = await knownTicket(h, seller, { priceCents: 1000 });
      const order = await placeOrder(h, buyer, t.id);
      await request(h.app).delete(`/api/orders/${order.id}`).set('Cookie', buyer.cookie).expect(200);
      await publishEvent(h.bus, 'ticket.updated', { ...t, priceCents: 3000, version: 2 });
      await publishEvent(h.bus, 'ticket.updated', { ...t, priceCents: 2000, version: 1 });
      await eventually(async () => {
        const r = await h.db.query<{ version: number }>('SELECT version FROM tickets WHERE id = $1', [t.id]);
        return r.rows[0]!.version === 2 ? true : undefined;
      });
      await publishEvent(h.bus, 'ticket.updated', { ...t, priceCents: 9999, version: 1 });
      const next = await placeOrder(h, newUser(h), t.id);
      expect(next.ticket.price).toBe(30);
      expect((await orderStatus(h, buyer, order.id)).ticket.price).toBe(10);
    });
  });
});
