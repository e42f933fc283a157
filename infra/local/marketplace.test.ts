import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import request from 'supertest';
import { createLogger, type Database, type EventBus } from '@ticketyboo/common';
import {
  eventually,
  freshJetStream,
  freshMemoryBus,
  freshPostgres,
  testJwtKey,
  type Disposable,
} from '@ticketyboo/common/testing';
import { startMarketplace, type Marketplace } from './marketplace';

const LOCK_SECONDS = 2;
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

interface Runtime {
  name: string;
  openDatabase(): Promise<Disposable<Database>>;
  openBus(): Promise<Disposable<EventBus>>;
  env(): NodeJS.ProcessEnv;
}

const runtimes: Runtime[] = [
  {
    name: 'the real servers: PostgreSQL per service, JetStream, BullMQ on Redis',
    openDatabase: freshPostgres,
    openBus: freshJetStream,
    env: () => ({ REDIS_URL, EXPIRATION_QUEUE: 'expiration', BULLMQ_PREFIX: `tbtest-${randomBytes(6).toString('hex')}` }),
  },
  {
    name: 'the runtime of npm start: PostgreSQL per service, in-process bus and timers',
    openDatabase: freshPostgres,
    openBus: async () => freshMemoryBus(),
    env: () => ({}),
  },
];

interface Ticket {
  id: string;
  price: number;
  status: 'available' | 'locked' | 'sold';
  orderId: string | null;
  version: number;
}
interface Order {
  id: string;
  status: 'created' | 'complete' | 'cancelled';
  expiresAt: string;
}

describe.each(runtimes)('a sale across all services on $name', (runtime) => {
  let market: Marketplace | undefined;
  const owned: Disposable<unknown>[] = [];
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    env = { ...runtime.env(), ORDER_EXPIRATION_SECONDS: String(LOCK_SECONDS) };
    const bus = await runtime.openBus();
    owned.push(bus);
    market = await startMarketplace({
      openDatabase: async () => {
        const db = await runtime.openDatabase();
        owned.push(db);
        return db.value;
      },
      bus: bus.value,
      jwtKey: testJwtKey(),
      log: createLogger('test'),
      env,
    });
    // Five embedded databases start slowly on a busy two-core machine.
  }, 180_000);
  afterAll(async () => {
    // The marketplace closes the databases it was given; disposing them again also drops them.
    await market?.stop();
    for (const d of owned.reverse()) await d.dispose().catch(() => undefined);
    if (env.BULLMQ_PREFIX) {
      const redis = new Redis(REDIS_URL);
      const keys = await redis.keys(`${env.BULLMQ_PREFIX}:*`);
      if (keys.length) await redis.del(...keys);
      await redis.quit();
    }
  });

  function app() {
    if (!market) throw new Error('the marketplace did not start');
    return market.app;
  }
  async function signUp(name: string): Promise<string> {
    const res = await request(app())
      .post('/api/users/signup')
      .send({ email: `${name}-${randomBytes(4).toString('hex')}@example.com`, password: 'a long password' })
      .expect(201);
    return res.get('set-cookie')![0]!.split(';')[0]!;
  }
  const ticket = async (id: string) => (await request(app()).get(`/api/tickets/${id}`).expect(200)).body as Ticket;
  const order = async (cookie: string, id: string) =>
    (await request(app()).get(`/api/orders/${id}`).set('Cookie', cookie).expect(200)).body as Order;
  const list = async (cookie: string, price = 80) =>
    (await request(app()).post('/api/tickets').set('Cookie', cookie).send({ title: 'Arena Saturday', price }).expect(201))
      .body as Ticket;
  const buy = (cookie: string, ticketId: string, price?: number) =>
    request(app()).post('/api/orders').set('Cookie', cookie).send({ ticketId, price });
  const pay = (cookie: string, orderId: string, token: string) =>
    request(app()).post('/api/payments').set('Cookie', cookie).send({ orderId, token });
  const reprice = (cookie: string, ticketId: string, price: number) =>
    request(app()).put(`/api/tickets/${ticketId}`).set('Cookie', cookie).send({ title: 'Arena Saturday', price });

  it('locks the ticket for the buyer, keeps everyone else off it, and unlocks it by itself about when the lock ends', async () => {
    const [seller, alice, bob] = [await signUp('seller'), await signUp('alice'), await signUp('bob')];
    const listed = await list(seller);

    // Ordered as soon as it is listed: the orders service waits for its replica instead of a 404.
    const placed = (await buy(alice, listed.id).expect(201)).body as Order;
    const orderedAt = Date.now();
    const locked = await eventually(async () => {
      const t = await ticket(listed.id);
      return t.status === 'locked' ? t : undefined;
    }, 1000);
    expect(locked.orderId).toBe(placed.id);
    expect(Date.now() - orderedAt).toBeLessThan(1000);

    expect((await buy(bob, listed.id).expect(409)).body).toEqual({ errors: [{ message: 'Ticket is already reserved' }] });
    await reprice(seller, listed.id, 99).expect(409);

    // Nobody pays: the lock ends by itself, within about a second of expiresAt.
    const expiresAt = Date.parse(placed.expiresAt);
    await eventually(async () => ((await ticket(listed.id)).status === 'available' ? true : undefined), LOCK_SECONDS * 1000 + 3000);
    const lateness = Date.now() - expiresAt;
    expect(lateness).toBeGreaterThanOrEqual(0);
    expect(lateness).toBeLessThan(1500);
    expect((await order(alice, placed.id)).status).toBe('cancelled');
    await pay(alice, placed.id, 'tok_visa').expect(409);

    // Back on sale: the seller can change the price, and another buyer can take it.
    expect((await reprice(seller, listed.id, 99).expect(200)).body.price).toBe(99);
    // Bob pays what he sees: the order waits for the new price to reach the orders service.
    const second = (await buy(bob, listed.id, 99).expect(201)).body as Order & { ticket: { price: number } };
    expect(second.ticket.price).toBe(99);
  });

  it('sells a paid ticket for good: the order completes, the ticket is sold, and the lock never lapses', async () => {
    const [seller, alice, bob] = [await signUp('seller'), await signUp('alice'), await signUp('bob')];
    const listed = await list(seller, 49.99);
    const placed = (await buy(alice, listed.id).expect(201)).body as Order;

    const paid = await pay(alice, placed.id, 'tok_visa').expect(201);
    expect(paid.body).toMatchObject({ orderId: placed.id, status: 'succeeded', amount: 4999, currency: 'usd' });
    await eventually(async () => ((await order(alice, placed.id)).status === 'complete' ? true : undefined));
    await eventually(async () => ((await ticket(listed.id)).status === 'sold' ? true : undefined));

    // Well past the lock's end, nothing has undone the sale.
    const settleAt = Date.parse(placed.expiresAt) + 1500;
    await new Promise((r) => setTimeout(r, Math.max(0, settleAt - Date.now())));
    expect((await order(alice, placed.id)).status).toBe('complete');
    expect(await ticket(listed.id)).toMatchObject({ status: 'sold', orderId: placed.id });
    await buy(bob, listed.id).expect(409);
    await reprice(seller, listed.id, 10).expect(409);
    await request(app()).delete(`/api/orders/${placed.id}`).set('Cookie', alice).expect(409);
  });

  it('cancels the order when the card is declined, and puts the ticket straight back on sale', async () => {
    const [seller, alice, bob] = [await signUp('seller'), await signUp('alice'), await signUp('bob')];
    const listed = await list(seller);
    const placed = (await buy(alice, listed.id).expect(201)).body as Order;

    const declined = await pay(alice, placed.id, 'tok_chargeDeclined').expect(402);
    expect(declined.body).toEqual({ errors: [{ message: 'Your card was declined.' }] });
    await eventually(async () => ((await order(alice, placed.id)).status === 'cancelled' ? true : undefined));
    // Well before the lock would have run out.
    await eventually(async () => ((await ticket(listed.id)).status === 'available' ? true : undefined), 1000);
    await buy(bob, listed.id).expect(201);
  });

  it('ends a signed-out session everywhere: a copy of the old cookie can no longer buy', async () => {
    const [seller, alice] = [await signUp('seller'), await signUp('alice')];
    const listed = await list(seller);
    await request(app()).post('/api/users/signout').set('Cookie', alice).expect(200);
    await buy(alice, listed.id).expect(401);
    await request(app()).post('/api/tickets').set('Cookie', alice).send({ title: 'x', price: 1 }).expect(401);
  });

  it('lets the buyer give the ticket back by cancelling the order', async () => {
    const [seller, alice, bob] = [await signUp('seller'), await signUp('alice'), await signUp('bob')];
    const listed = await list(seller);
    const placed = (await buy(alice, listed.id).expect(201)).body as Order;
    await request(app()).delete(`/api/orders/${placed.id}`).set('Cookie', bob).expect(403);
    expect((await request(app()).delete(`/api/orders/${placed.id}`).set('Cookie', alice).expect(200)).body.status).toBe(
      'cancelled',
    );
    // Payments hears of the cancel through the bus: a payment sent the same instant may still be
    // taken, and is then refunded when the cancel arrives. Either way alice keeps no charge.
    expect([201, 409]).toContain((await pay(alice, placed.id, 'tok_visa')).status);
    await eventually(async () => {
      const res = await request(app()).get(`/api/payments?orderId=${placed.id}`).set('Cookie', alice).expect(200);
      return (res.body as { status: string }[]).every((c) => c.status === 'refunded' || c.status === 'failed') ? true : undefined;
    });
    await eventually(async () => ((await ticket(listed.id)).status === 'available' ? true : undefined), 1000);
    await buy(bob, listed.id).expect(201);
  });
});
