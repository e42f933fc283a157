import request from 'supertest';
import { startService, type ServiceHarness } from '@ticketyboo/common/testing';
import { ticketsService } from './tickets-service';
import { listTicket, newUser } from './tickets.test-helpers';

describe('listing rate limit (postgres)', () => {
  let h: ServiceHarness;
  beforeAll(async () => {
    h = await startService(ticketsService, { bus: 'memory' }, { LISTINGS_PER_USER_PER_MINUTE: '4' });
  });
  afterAll(() => h.dispose());

  const list = (cookie: string) => request(h.app).post('/api/tickets').set('Cookie', cookie).send({ title: 'Gig', price: 10 });

  it('limits how many tickets a seller lists per minute, counting racing requests exactly: 429 with Retry-After', async () => {
    const seller = newUser(h);
    const answers = await Promise.all(Array.from({ length: 10 }, () => list(seller.cookie)));
    expect(answers.map((r) => r.status).sort()).toEqual([201, 201, 201, 201, 429, 429, 429, 429, 429, 429]);
    const refused = answers.find((r) => r.status === 429)!;
    expect(refused.body).toEqual({ errors: [{ message: 'Too many listings; try again in a minute' }] });
    const retryAfter = Number(refused.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    const { rows } = await h.db.query<{ n: string }>('SELECT count(*) AS n FROM tickets WHERE user_id = $1', [seller.id]);
    expect(rows[0]!.n).toBe('4');
    // Another seller is not held back, and an invalid request costs nothing.
    const other = newUser(h);
    await request(h.app).post('/api/tickets').set('Cookie', other.cookie).send({ title: '', price: 10 }).expect(400);
    for (let i = 0; i < 4; i++) await listTicket(h, other, { title: `Gig ${i}`, price: 10 });
  });
});
