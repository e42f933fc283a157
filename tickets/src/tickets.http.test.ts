import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { bothBuses, eventually, startService, type ServiceHarness } from '@ticketyboo/common/testing';
import type { EventEnvelope } from '@ticketyboo/common';
import { ticketsService } from './tickets-service';
import type { TicketJson } from './ticket';
import { chargeCreated, getTicket, listTicket, newUser, orderCreated, publishEvent, type TestUser } from './tickets.test-helpers';

describe.each(bothBuses)('tickets API on PostgreSQL + %s', (busKind) => {
  let h: ServiceHarness;
  let seller: TestUser;
  let created: EventEnvelope<'ticket.created'>[];
  let updated: EventEnvelope<'ticket.updated'>[];

  beforeAll(async () => {
    h = await startService(ticketsService, { bus: busKind });
    created = await h.events('ticket.created');
    updated = await h.events('ticket.updated');
  });
  afterAll(() => h.dispose());
  beforeEach(() => {
    seller = newUser(h);
  });

  async function lockByOrder(ticket: TicketJson): Promise<string> {
    const orderId = randomUUID();
    await publishEvent(h.bus, 'order.created', orderCreated(ticket, orderId));
    await eventually(async () => ((await getTicket(h, ticket.id)).status === 'locked' ? true : undefined));
    return orderId;
  }

  describe('POST /api/tickets', () => {
    it('lists a ticket for the signed-in seller, stores the price in cents and publishes ticket.created', async () => {
      const ticket = await listTicket(h, seller, { title: '  Arctic Monkeys, Row F  ', price: 49.99 });
      expect(ticket).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        title: 'Arctic Monkeys, Row F',
        price: 49.99,
        userId: seller.id,
        orderId: null,
        status: 'available',
        version: 0,
        createdAt: expect.any(String),
      });
      const stored = await h.db.query('SELECT price_cents FROM tickets WHERE id = $1', [ticket.id]);
      expect(stored.rows[0]).toEqual({ price_cents: '4999' });
      const event = await eventually(() => created.find((e) => e.data.id === ticket.id));
      expect(event.data).toMatchObject({ priceCents: 4999, version: 0, userId: seller.id, status: 'available' });
    });

    it('refuses an anonymous seller with 401', async () => {
      await request(h.app).post('/api/tickets').send({ title: 'x', price: 10 }).expect(401);
    });

    it.each([
      [{ price: 10 }, 'title'],
      [{ title: '   ', price: 10 }, 'title'],
      [{ title: 'x'.repeat(201), price: 10 }, 'title'],
      [{ title: 7, price: 10 }, 'title'],
      [{ title: 'Gig' }, 'price'],
      [{ title: 'Gig', price: 0 }, 'price'],
      [{ title: 'Gig', price: -5 }, 'price'],
      [{ title: 'Gig', price: 1_000_000.01 }, 'price'],
      [{ title: 'Gig', price: 1.234 }, 'price'],
      [{ title: 'Gig', price: '10' }, 'price'],
      [{ title: 'Gig', price: null }, 'price'],
      [{ title: 'Gig', price: 10.999999999 }, 'price'],
      [{ title: 'Gig\u0000', price: 10 }, 'title'],
      [{ title: '\u200B\u2060\uFEFF\u3164', price: 10 }, 'title'],
      [{ title: '\u202E\u2066 \u200F', price: 10 }, 'title'],
      [{ title: 'Gig \u001b[2J\u001b[31mFREE', price: 10 }, 'title'],
      [{ title: 'Gig\u009b31m', price: 10 }, 'title'],
      [{ title: 'Row F\nSeat 2', price: 10 }, 'title'],
    ])('rejects %j with a 400 naming %s', async (body, field) => {
      const res = await request(h.app).post('/api/tickets').set('Cookie', seller.cookie).send(body).expect(400);
      expect(res.body.errors).toEqual([{ field, message: expect.any(String) }]);
    });

    it('stores titles as people read them: NFC, trimmed, bidi controls dropped', async () => {
      const ticket = await listTicket(h, seller, { title: ' \u202ECafe\u0301 gig\u202C\u200E ', price: 10 });
      expect(ticket.title).toBe('Café gig');
      expect(ticket.title).toHaveLength(8);
    });

    it('accepts the edges: 0.01, 1,000,000 and 200 characters', async () => {
      await listTicket(h, seller, { title: 'x'.repeat(200), price: 0.01 });
      const top = await listTicket(h, seller, { title: 'Final', price: 1_000_000 });
      expect(top.price).toBe(1_000_000);
    });
  });

  describe('GET /api/tickets', () => {
    it('lists available tickets newest first, pages by cursor with a Link header, and searches titles', async () => {
      const tag = randomUUID().slice(0, 8);
      const mine: TicketJson[] = [];
      for (let i = 0; i < 5; i++) mine.push(await listTicket(h, seller, { title: `Show ${tag} #${i}`, price: 10 + i }));
      await lockByOrder(mine[2]!);

      const seen: string[] = [];
      let url: string | undefined = `/api/tickets?limit=2&q=${tag.toUpperCase()}`;
      while (url) {
        const res: request.Response = await request(h.app).get(url).expect(200);
        seen.push(...(res.body as TicketJson[]).map((t) => t.title));
        url = /<([^>]+)>; rel="next"/.exec(res.headers.link ?? '')?.[1];
      }
      expect(seen).toEqual([`Show ${tag} #4`, `Show ${tag} #3`, `Show ${tag} #1`, `Show ${tag} #0`]);
    });

    it("shows a seller's listings in every status with sellerId", async () => {
      const a = await listTicket(h, seller, { title: 'Mine A', price: 10 });
      const b = await listTicket(h, seller, { title: 'Mine B', price: 20 });
      await lockByOrder(a);
      const res = await request(h.app).get(`/api/tickets?sellerId=${seller.id}`).expect(200);
      expect((res.body as TicketJson[]).map((t) => [t.title, t.status])).toEqual([
        ['Mine B', 'available'],
        ['Mine A', 'locked'],
      ]);
      expect(b.userId).toBe(seller.id);
    });

    it('treats % and _ in a search as plain characters', async () => {
      const tag = randomUUID().slice(0, 8);
      await listTicket(h, seller, { title: `${tag} 100% fun`, price: 10 });
      await listTicket(h, seller, { title: `${tag} 1000 fun`, price: 10 });
      const res = await request(h.app).get(`/api/tickets?q=${encodeURIComponent(`${tag} 100%`)}`).expect(200);
      expect((res.body as TicketJson[]).map((t) => t.title)).toEqual([`${tag} 100% fun`]);
    });

    it.each([
      ['limit=0', 'limit'],
      ['limit=201', 'limit'],
      ['limit=ten', 'limit'],
      ['sellerId=nobody', 'sellerId'],
      ['cursor=%%%', 'cursor'],
      ['cursor=bm90LWEtbnVtYmVy', 'cursor'],
      [`cursor=${Buffer.from('9999999999999999999').toString('base64url')}`, 'cursor'],
      [`cursor=${Buffer.from('12\u0000').toString('base64url')}`, 'cursor'],
      ['q=%00', 'q'],
      ['q=gig%1B%5B2J', 'q'],
      ['sellerId=%00', 'sellerId'],
    ])('answers ?%s with a 400 naming %s', async (qs, field) => {
      const res = await request(h.app).get(`/api/tickets?${qs}`).expect(400);
      expect(res.body.errors[0].field).toBe(field);
    });
  });

  describe('GET /api/tickets/:id', () => {
    it('shows a ticket in any status, and 404 for an unknown or malformed id', async () => {
      const t = await listTicket(h, seller, { title: 'Solo', price: 5 });
      await lockByOrder(t);
      expect((await getTicket(h, t.id)).status).toBe('locked');
      await request(h.app).get(`/api/tickets/${randomUUID()}`).expect(404);
      const res = await request(h.app).get('/api/tickets/not-an-id').expect(404);
      expect(res.body).toEqual({ errors: [{ message: 'Ticket not found' }] });
    });
  });

  describe('PUT /api/tickets/:id', () => {
    it('edits title and price, bumps the version by one and publishes ticket.updated', async () => {
      const t = await listTicket(h, seller, { title: 'Old title', price: 30 });
      const res = await request(h.app)
        .put(`/api/tickets/${t.id}`)
        .set('Cookie', seller.cookie)
        .send({ title: 'New title', price: 35.5 })
        .expect(200);
      expect(res.body).toMatchObject({ id: t.id, title: 'New title', price: 35.5, version: 1 });
      const event = await eventually(() => updated.find((e) => e.data.id === t.id));
      expect(event.data).toMatchObject({ title: 'New title', priceCents: 3550, version: 1 });
    });

    it('refuses anonymous (401), another user (403), unknown (404) and invalid (400) edits', async () => {
      const t = await listTicket(h, seller, { title: 'Mine', price: 30 });
      await request(h.app).put(`/api/tickets/${t.id}`).send({ title: 'x', price: 1 }).expect(401);
      const other = newUser(h);
      const forbidden = await request(h.app).put(`/api/tickets/${t.id}`).set('Cookie', other.cookie).send({ title: 'x', price: 1 }).expect(403);
      expect(forbidden.body.errors[0].message).toBe('You can only edit your own tickets');
      await request(h.app).put(`/api/tickets/${randomUUID()}`).set('Cookie', seller.cookie).send({ title: 'x', price: 1 }).expect(404);
      const bad = await request(h.app).put(`/api/tickets/${t.id}`).set('Cookie', seller.cookie).send({ title: 'x', price: 0.001 }).expect(400);
      expect(bad.body.errors[0].field).toBe('price');
      expect((await getTicket(h, t.id)).version).toBe(0);
    });

    it('refuses to edit a locked ticket and a sold ticket with 409', async () => {
      const t = await listTicket(h, seller, { title: 'Hot', price: 30 });
      const orderId = await lockByOrder(t);
      const locked = await request(h.app).put(`/api/tickets/${t.id}`).set('Cookie', seller.cookie).send({ title: 'Hot', price: 99 }).expect(409);
      expect(locked.body).toEqual({ errors: [{ message: 'Cannot edit a locked ticket' }] });
      await publishEvent(h.bus, 'charge.created', chargeCreated(orderId));
      await eventually(async () => ((await getTicket(h, t.id)).status === 'sold' ? true : undefined));
      const sold = await request(h.app).put(`/api/tickets/${t.id}`).set('Cookie', seller.cookie).send({ title: 'Hot', price: 99 }).expect(409);
      expect(sold.body).toEqual({ errors: [{ message: 'Cannot edit a sold ticket' }] });
      expect((await getTicket(h, t.id)).price).toBe(30);
    });
  });

  describe('GET /api/tickets/:id/prices', () => {
    it('records every accepted price change, oldest first, and nothing for title-only edits', async () => {
      const t = await listTicket(h, seller, { title: 'Chart', price: 20 });
      const put = (body: object) => request(h.app).put(`/api/tickets/${t.id}`).set('Cookie', seller.cookie).send(body).expect(200);
      await put({ title: 'Chart', price: 25 });
      await put({ title: 'Chart, renamed', price: 25 });
      await put({ title: 'Chart, renamed', price: 22.5 });
      const res = await request(h.app).get(`/api/tickets/${t.id}/prices`).expect(200);
      expect((res.body as { price: number }[]).map((p) => p.price)).toEqual([20, 25, 22.5]);
      const times = (res.body as { at: string }[]).map((p) => Date.parse(p.at));
      expect([...times].sort((a, b) => a - b)).toEqual(times);
      await request(h.app).get(`/api/tickets/${randomUUID()}/prices`).expect(404);
    });
  });
});
