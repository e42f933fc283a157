import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import request from 'supertest';
import { closeServer, listen, portOf, type Database } from '@ticketyboo/common';
import { bothBuses, eventually, publishEvent, startService, type ServiceHarness } from '@ticketyboo/common/testing';
import { createOrdersService, ordersService } from './orders-service';
import { newUser, ticketEvent } from './orders.test-helpers';

/**
 * The service's database as a small pool (2 queries at a time) that counts the reads of the
 * ticket replica a waiting order makes.
 */
function smallCountingPool(db: Database, counter: { replicaReads: number }): Database {
  let running = 0;
  const queued: (() => void)[] = [];
  const slot = async () => {
    if (running >= 2) await new Promise<void>((r) => queued.push(r));
    running++;
  };
  const release = () => {
    running--;
    queued.shift()?.();
  };
  return {
    async query(sql, params) {
      if (sql.includes('FROM tickets t WHERE id')) counter.replicaReads++;
      await slot();
      try {
        return await db.query(sql, params);
      } finally {
        release();
      }
    },
    exec: (sql) => db.exec(sql),
    transaction: (fn) => db.transaction(fn),
    close: () => db.close(),
  };
}

describe.each(bothBuses)('orders waiting for a ticket to reach the replica, on PostgreSQL + %s', (busKind) => {
  const counter = { replicaReads: 0 };
  let h: ServiceHarness;
  let server: Server;
  let base: string;

  beforeAll(async () => {
    // A long wait, so a request that is not woken by the ticket's arrival shows as a test timeout.
    h = await startService(
      { ...ordersService, create: (deps) => createOrdersService({ ...deps, db: smallCountingPool(deps.db, counter) }) },
      { bus: busKind },
      // No re-read while waiting (a single replica): every read after the first is a wake-up's.
      { REPLICA_WAIT_MS: '60000', REPLICA_MAX_WAITERS: '100', REPLICA_RECHECK_MS: '60000' },
    );
    server = await listen(h.app, 0);
    base = `http://127.0.0.1:${portOf(server)}`;
  });
  afterAll(async () => {
    await closeServer(server, 1000);
    await h.dispose();
  });
  beforeEach(() => {
    counter.replicaReads = 0;
  });

  it('places an order for a ticket listed a moment later as soon as it arrives, without polling', async () => {
    const seller = newUser(h);
    const buyer = newUser(h);
    const ticket = ticketEvent(seller);
    const placing = request(base).post('/api/orders').set('Cookie', buyer.cookie).send({ ticketId: ticket.id });
    const answered = placing.then((res) => res);
    // The request is waiting once it has read the replica twice (the second read right after it registered).
    await eventually(() => (counter.replicaReads >= 2 ? true : undefined));
    await new Promise((r) => setTimeout(r, 200));
    await publishEvent(h.bus, 'ticket.created', ticket);
    const res = await answered;
    expect(res.status).toBe(201);
    // Polling every 25 ms would have read it 8 times in those 200 ms.
    expect(counter.replicaReads).toBeLessThanOrEqual(3);
  }, 20_000);

  it('beyond REPLICA_MAX_WAITERS waiting requests answers at once (404); of 300 at once on a pool of 2, every one is answered', async () => {
    const seller = newUser(h);
    const tickets = Array.from({ length: 100 }, () => ticketEvent(seller));
    const order = (ticketId: string) => request(base).post('/api/orders').set('Cookie', newUser(h).cookie).send({ ticketId });
    // 100 wait for tickets not listed yet (they would for a minute)...
    const waiting = tickets.map((t) => order(t.id).then((r) => r.status));
    await eventually(() => (counter.replicaReads >= 200 ? true : undefined), 10_000);
    // ...so 200 more, for ids never listed, are answered at once from one read each.
    const refused = await Promise.all(Array.from({ length: 200 }, () => order(randomUUID()).then((r) => r.status)));
    expect(new Set(refused)).toEqual(new Set([404]));
    // Then the listings arrive, and each waiting order is placed.
    for (const t of tickets) await publishEvent(h.bus, 'ticket.created', t);
    expect(new Set(await Promise.all(waiting))).toEqual(new Set([201]));
    // Two reads per waiting request, one per refused one, one per wake-up: polling would be thousands.
    expect(counter.replicaReads).toBeLessThanOrEqual(500);
  }, 30_000);
});
