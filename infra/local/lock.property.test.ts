import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import request from 'supertest';
import { SessionTokens, type Database, type EventEnvelope } from '@ticketyboo/common';
import { ControlledBus, eventually, NO_PER_USER_LIMITS } from '@ticketyboo/common/testing';
import { startTestMarketplace, type TestMarketplace } from './marketplace.test-helpers';

/**
 * Model-based test of the lock, on the real handlers and databases: random interleavings of
 * orders, cancels, expiries, payments and price edits, with every event delivered whenever the
 * test likes, duplicated or overtaken, must leave every service in the state a small model says.
 */

type OrderStatus = 'created' | 'complete' | 'cancelled';
type ChargeStatus = 'succeeded' | 'failed' | 'refunded';

interface ModelOrder {
  id: string;
  buyer: number;
  /** The orders service: the truth. */
  status: OrderStatus;
  /** Payments' copy of the order. */
  payments: { known: boolean; status: OrderStatus; version: number };
  charge: ChargeStatus | undefined;
}

/** What each service should believe, updated by the same requests and deliveries the system sees. */
class Model {
  orders: ModelOrder[] = [];
  price = 10;
  ordersKnowsTicket = false;

  order(id: string): ModelOrder | undefined {
    return this.orders.find((o) => o.id === id);
  }

  expectedPlace(): 201 | 404 | 409 {
    if (!this.ordersKnowsTicket) return 404;
    return this.orders.some((o) => o.status !== 'cancelled') ? 409 : 201;
  }

  expectedPay(o: ModelOrder, succeeds: boolean): 201 | 402 | 404 | 409 {
    if (!o.payments.known) return 404;
    if (o.charge !== undefined || o.payments.status !== 'created') return 409;
    return succeeds ? 201 : 402;
  }

  /** A delivery the real consumer acked or terminated (a nak changes nothing). */
  delivered(durable: string, envelope: EventEnvelope): void {
    const data = envelope.data as { id?: string; orderId?: string; status?: string; version?: number };
    if (durable === 'orders-ticket-created') this.ordersKnowsTicket = true;
    const o = this.order(data.orderId ?? data.id ?? '');
    if (!o) return;
    switch (durable) {
      case 'orders-order-expired':
        if (o.status === 'created') o.status = 'cancelled';
        break;
      case 'orders-charge-created':
        if (o.status === 'created' && data.status === 'succeeded') o.status = 'complete';
        if (o.status === 'created' && data.status === 'failed') o.status = 'cancelled';
        break;
      case 'payments-order-created':
        o.payments.known = true;
        break;
      case 'payments-order-cancelled':
        if ((data.version ?? 0) > o.payments.version) {
          o.payments.status = 'cancelled';
          o.payments.version = data.version ?? 0;
        }
        if (o.charge === 'succeeded') o.charge = 'refunded';
        break;
    }
  }
}

type Command =
  | { kind: 'place'; buyer: number }
  | { kind: 'cancel'; order: number }
  | { kind: 'expire'; order: number }
  | { kind: 'pay'; order: number; token: 'tok_visa' | 'tok_chargeDeclined' }
  | { kind: 'reprice'; price: number }
  | { kind: 'deliver'; consumer: number; index: number; again: boolean };

const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('place' as const), buyer: fc.integer({ min: 0, max: 2 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('cancel' as const), order: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('expire' as const), order: fc.nat() }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('pay' as const), order: fc.nat(), token: fc.constantFrom('tok_visa' as const, 'tok_chargeDeclined' as const) }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('reprice' as const), price: fc.integer({ min: 1, max: 99 }) }) },
  { weight: 8, arbitrary: fc.record({ kind: fc.constant('deliver' as const), consumer: fc.nat(), index: fc.nat(), again: fc.boolean() }) },
);

describe('the lock under any interleaving and delivery order (PostgreSQL, real handlers)', () => {
  let market: TestMarketplace;
  const bus = new ControlledBus();
  let dbs: Map<string, Database>;
  let users: { id: string; email: string; cookie: string }[];
  let seller: { cookie: string };

  beforeAll(async () => {
    // No request waits for a replica: here nothing arrives unless the test delivers it.
    // Four users place and list hundreds of times over the runs: no per-user limit may get in the way.
    market = await startTestMarketplace({ bus, env: { ORDER_EXPIRATION_SECONDS: '600', REPLICA_WAIT_MS: '1', ...NO_PER_USER_LIMITS } });
    dbs = market.dbs;
    const tokens = new SessionTokens(market.jwtKey);
    users = Array.from({ length: 4 }, (_, i) => {
      const user = { id: randomUUID(), email: `user${i}@example.com` };
      return { ...user, cookie: `session=${tokens.sign(user)}` };
    });
    seller = users[3]!;
  }, 180_000);
  afterAll(() => market.dispose());

  /** Waits until every outbox has handed its events to the bus, so the next step sees them. */
  async function quiesce(): Promise<void> {
    await eventually(async () => {
      for (const db of dbs.values()) {
        const { rows } = await db.query<{ n: string }>('SELECT count(*) AS n FROM outbox');
        if (rows[0]?.n !== '0') return undefined;
      }
      return true;
    });
  }

  function noServerError(res: request.Response, what: string): request.Response {
    if (res.status >= 500) throw new Error(`${what} → ${res.status} ${res.text}`);
    return res;
  }

  async function deliver(model: Model, durable: string, index: number, again: boolean): Promise<void> {
    const before = bus.deliveries.length;
    await bus.deliver(durable, index, again);
    const record = bus.deliveries[before];
    if (record && record.outcome !== 'nak') model.delivered(durable, JSON.parse(record.body) as EventEnvelope);
    await quiesce();
  }

  async function run(commands: Command[]): Promise<void> {
    const model = new Model();
    const ticket = noServerError(
      await request(market.app).post('/api/tickets').set('Cookie', seller.cookie).send({ title: 'Contested', price: model.price }),
      'list',
    ).body as { id: string };
    await quiesce();

    for (const c of commands) {
      switch (c.kind) {
        case 'place': {
          const expected = model.expectedPlace();
          const res = noServerError(
            await request(market.app).post('/api/orders').set('Cookie', users[c.buyer]!.cookie).send({ ticketId: ticket.id }),
            'place',
          );
          expect(res.status).toBe(expected);
          if (res.status === 201) {
            const id = (res.body as { id: string }).id;
            model.orders.push({ id, buyer: c.buyer, status: 'created', payments: { known: false, status: 'created', version: 0 }, charge: undefined });
          }
          break;
        }
        case 'cancel': {
          const o = model.orders[c.order % Math.max(1, model.orders.length)];
          if (!o) break;
          const res = noServerError(await request(market.app).delete(`/api/orders/${o.id}`).set('Cookie', users[o.buyer]!.cookie), 'cancel');
          expect(res.status).toBe(o.status === 'complete' ? 409 : 200);
          if (res.status === 200) o.status = 'cancelled';
          break;
        }
        case 'expire': {
          const o = model.orders[c.order % Math.max(1, model.orders.length)];
          if (!o) break;
          // What the expiration service publishes when the lock runs out.
          const envelope = { id: randomUUID(), subject: 'order.expired', occurredAt: new Date().toISOString(), data: { id: o.id, version: 0 } };
          await bus.publish('order.expired', envelope.id, JSON.stringify(envelope));
          break;
        }
        case 'pay': {
          const o = model.orders[c.order % Math.max(1, model.orders.length)];
          if (!o) break;
          const expected = model.expectedPay(o, c.token === 'tok_visa');
          const res = noServerError(
            await request(market.app).post('/api/payments').set('Cookie', users[o.buyer]!.cookie).send({ orderId: o.id, token: c.token }),
            'pay',
          );
          expect(res.status).toBe(expected);
          if (res.status === 201) {
            o.charge = 'succeeded';
            o.payments.status = 'complete';
          }
          if (res.status === 402) o.charge = 'failed';
          break;
        }
        case 'reprice': {
          const res = noServerError(
            await request(market.app).put(`/api/tickets/${ticket.id}`).set('Cookie', seller.cookie).send({ title: 'Contested', price: c.price }),
            'reprice',
          );
          expect([200, 409]).toContain(res.status);
          if (res.status === 200) model.price = c.price;
          break;
        }
        case 'deliver': {
          const pending = bus.pending();
          const target = pending[c.consumer % Math.max(1, pending.length)];
          if (target) await deliver(model, target.durable, c.index, c.again);
          break;
        }
      }
      await quiesce();
    }

    // Let everything arrive, in some order, until nothing is left to deliver.
    while (!bus.idle) {
      for (const { durable } of bus.pending()) await deliver(model, durable, 0, false);
    }

    // Every service ends where the model says.
    for (const o of model.orders) {
      const res = await request(market.app).get(`/api/orders/${o.id}`).set('Cookie', users[o.buyer]!.cookie).expect(200);
      expect({ order: o.id, status: res.body.status }).toEqual({ order: o.id, status: o.status });
      const charges = (await request(market.app).get('/api/payments').query({ orderId: o.id }).set('Cookie', users[o.buyer]!.cookie).expect(200))
        .body as { status: string }[];
      expect({ order: o.id, charges: charges.map((ch) => ch.status) }).toEqual({ order: o.id, charges: o.charge ? [o.charge] : [] });
      // Paid means complete, and complete means paid: a charge for a cancelled order was given back.
      expect(o.charge === 'succeeded').toBe(o.status === 'complete');
    }
    const holder = model.orders.find((o) => o.status === 'complete') ?? model.orders.find((o) => o.status === 'created');
    const seen = (await request(market.app).get(`/api/tickets/${ticket.id}`).expect(200)).body as {
      status: string;
      orderId: string | null;
      price: number;
      version: number;
    };
    expect({ status: seen.status, orderId: seen.orderId, price: seen.price }).toEqual({
      status: !holder ? 'available' : holder.status === 'complete' ? 'sold' : 'locked',
      orderId: holder?.id ?? null,
      price: model.price,
    });
    expect(model.orders.filter((o) => o.status === 'complete').length).toBeLessThanOrEqual(1);
    // The orders service's copy of the ticket caught up with the tickets service.
    const { rows } = await dbs.get('orders')!.query<{ version: number; price_cents: string }>(
      'SELECT version, price_cents FROM tickets WHERE id = $1',
      [ticket.id],
    );
    expect(rows[0]).toEqual({ version: seen.version, price_cents: String(Math.round(model.price * 100)) });
    expect(bus.deadLetters).toEqual([]);
  }

  it('ends every order paid or cancelled as the model says, never sells twice, and never undoes newer state', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 5, maxLength: 30 }), async (commands) => run(commands)),
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 100) },
    );
  }, 900_000);
});
