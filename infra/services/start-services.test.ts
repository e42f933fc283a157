import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import pg from 'pg';
import { eventually, NATS_TEST_URL, NO_PER_USER_LIMITS } from '@ticketyboo/common/testing';
import { Api } from './api.test-helpers';
import { isRunning, startTopology, type RunningTopology } from './topology.test-helpers';
import { BACKEND_SERVICES } from './topology';

const POSTGRES_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

describe('npm run start:services --replicas orders=2,tickets=2', () => {
  let topology: RunningTopology;
  let api: Api;
  beforeAll(async () => {
    // One buyer orders a dozen tickets here, more than a buyer may hold unpaid.
    topology = await startTopology(['--replicas', 'orders=2,tickets=2'], NO_PER_USER_LIMITS);
    api = new Api(topology.base);
  }, 120_000);
  afterAll(() => topology.dispose(), 30_000);

  it('runs each service as its own OS process, two of orders and tickets, and the built client', () => {
    // Jest's global setup built the client, so the launcher runs it too.
    expect([...topology.replicas.keys()].sort()).toEqual(
      ['auth#1', 'client#1', 'expiration#1', 'orders#1', 'orders#2', 'payments#1', 'tickets#1', 'tickets#2'],
    );
    const pids = [...topology.replicas.values()].map((r) => r.pid);
    expect(new Set(pids).size).toBe(pids.length);
    expect(pids).not.toContain(topology.launcher.pid);
  });

  it('created and migrated a database of its own for every service', async () => {
    for (const { name } of BACKEND_SERVICES) {
      const db = new pg.Client({ connectionString: Object.assign(new URL(POSTGRES_URL), { pathname: `/${topology.names.databasePrefix}_${name}` }).toString() });
      await db.connect();
      const applied = await db.query('SELECT name FROM schema_migrations');
      await db.end();
      expect(applied.rows.map((r: { name: string }) => r.name)).toContain('common_001_outbox_inbox');
      expect(applied.rowCount).toBeGreaterThan(1);
    }
  });

  it('serves /healthz and /readyz on every process; readiness covers database, bus and, for expiration, Redis', async () => {
    for (const [label, { url }] of topology.replicas) {
      // The client is Next.js: its pages are its health.
      if (label.startsWith('client')) {
        expect((await fetch(`${url}/`)).status).toBe(200);
        continue;
      }
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      const ready = await fetch(`${url}/readyz`);
      const expected = { started: 'ok', database: 'ok', bus: 'ok', ...(label.startsWith('expiration') ? { redis: 'ok' } : {}) };
      expect({ label, status: ready.status, body: await ready.json() }).toEqual({ label, status: 200, body: { status: 'ready', checks: expected } });
    }
  });

  it('spreads requests over the replicas, which share one durable consumer per event: each event handled once', async () => {
    const seller = await api.signUp('seller');
    const buyer = await api.signUp('buyer');
    const tickets = await Promise.all(Array.from({ length: 12 }, (_, i) => api.list(seller, `Show ${i}`, 10 + i)));
    const servedBy = new Set<string>();
    for (const t of tickets) {
      const order = await api.order(buyer, t.id);
      expect(order.status).toBe(201);
      servedBy.add(order.servedBy!);
    }
    expect([...servedBy].sort()).toEqual(['orders#1', 'orders#2']);

    const nc = await connect({ servers: NATS_TEST_URL });
    try {
      const jsm = await jetstreamManager(nc);
      const subject = `${topology.names.subjectPrefix}.events.ticket.created`;
      const onTicketCreated = (await jsm.consumers.list(topology.names.stream).next()).filter((c) => c.config.filter_subject === subject);
      // One durable per consuming service (orders, and none other consumes ticket.created), not one per replica.
      expect(onTicketCreated.map((c) => c.name)).toEqual(['orders-ticket-created']);
      const info = await eventually(async () => {
        const i = await jsm.consumers.info(topology.names.stream, 'orders-ticket-created');
        return i.ack_floor.stream_seq === i.delivered.stream_seq && i.num_pending === 0 ? i : undefined;
      });
      // Every ticket.created delivered exactly once across both replicas: no redelivery, none twice.
      expect(info.num_redelivered).toBe(0);
      expect(info.delivered.consumer_seq).toBe(tickets.length);
      // Both replicas are pulling from it.
      await eventually(async () => ((await jsm.consumers.info(topology.names.stream, 'orders-ticket-created')).num_waiting >= 2 ? true : undefined));
    } finally {
      await nc.close();
    }
  });

  it('on SIGTERM stops every process and exits 0 within 10 s', async () => {
    const { code, ms } = await topology.stop();
    expect(code).toBe(0);
    expect(ms).toBeLessThan(10_000);
    for (const pid of topology.pids) expect(isRunning(pid)).toBe(false);
  });
});
