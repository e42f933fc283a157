import request from 'supertest';
import { startService, type ServiceHarness } from '@ticketyboo/common/testing';
import { ordersService } from './orders-service';
import { knownTicket, newUser, placeOrder } from './orders.test-helpers';

describe('limits on what one buyer may hold and place (postgres)', () => {
  let h: ServiceHarness;
  beforeAll(async () => {
    h = await startService(
      ordersService,
      { bus: 'memory' },
      { MAX_UNPAID_ORDERS: '5', ORDERS_PER_USER_PER_MINUTE: '25', REPLICA_WAIT_MS: '300' },
    );
  });
  afterAll(() => h.dispose());

  const order = (cookie: string, ticketId: string) => request(h.app).post('/api/orders').set('Cookie', cookie).send({ ticketId });

  it('lets one buyer hold at most MAX_UNPAID_ORDERS unpaid orders, even when they all arrive at once', async () => {
    const seller = newUser(h);
    const hoarder = newUser(h);
    const tickets = await Promise.all(Array.from({ length: 20 }, () => knownTicket(h, seller)));
    const answers = await Promise.all(tickets.map((t) => order(hoarder.cookie, t.id)));
    const statuses = answers.map((r) => r.status).sort();
    expect(statuses).toEqual([...Array<number>(5).fill(201), ...Array<number>(15).fill(409)]);
    expect(answers.find((r) => r.status === 409)!.body).toEqual({
      errors: [{ message: 'You already hold 5 unpaid orders: pay or cancel one first' }],
    });
    const { rows } = await h.db.query<{ n: string }>(`SELECT count(*) AS n FROM orders WHERE user_id = $1 AND status = 'created'`, [hoarder.id]);
    expect(rows[0]!.n).toBe('5');

    // Cancelling one frees a place; another buyer was never limited by this one.
    const held = answers.find((r) => r.status === 201)!.body as { id: string };
    await request(h.app).delete(`/api/orders/${held.id}`).set('Cookie', hoarder.cookie).expect(200);
    const free = tickets.find((t) => !answers.some((r) => r.status === 201 && (r.body as { ticket: { id: string } }).ticket.id === t.id))!;
    await order(hoarder.cookie, free.id).expect(201);
    await placeOrder(h, newUser(h), (await knownTicket(h, seller)).id);
  });

  it('limits how many orders a buyer places per minute: 429 with Retry-After', async () => {
    const seller = newUser(h);
    const buyer = newUser(h);
    const ticket = await knownTicket(h, seller);
    await order(buyer.cookie, ticket.id).expect(201);
    // Placing, cancelling and placing again holds nothing, but each placement counts.
    for (let i = 1; i < 25; i++) {
      const { id } = (await request(h.app).get('/api/orders').set('Cookie', buyer.cookie).expect(200)).body[0] as { id: string };
      await request(h.app).delete(`/api/orders/${id}`).set('Cookie', buyer.cookie).expect(200);
      await order(buyer.cookie, ticket.id).expect(201);
    }
    const refused = await order(buyer.cookie, ticket.id).expect(429);
    expect(refused.body).toEqual({ errors: [{ message: 'Too many orders; try again in a minute' }] });
    const retryAfter = Number(refused.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // Someone else still orders.
    await placeOrder(h, newUser(h), (await knownTicket(h, seller)).id);
  });
});
