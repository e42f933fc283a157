import { Writable } from 'node:stream';
import request from 'supertest';
import type { Server } from 'node:http';
import { closeServer, createLogger, portOf, serveMetrics } from '@ticketyboo/common';
import { eventually } from '@ticketyboo/common/testing';
import { startTestMarketplace, type TestMarketplace } from './marketplace.test-helpers';

interface LogLine {
  level: number;
  msg: string;
  service?: string;
  requestId?: string;
  eventId?: string;
  [key: string]: unknown;
}

/** Reads one sample's value out of Prometheus' text format. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^([\w:]+)(?:\{(.*)\})? ([\d.e+-]+|NaN)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = m[2] ?? '';
    if (wanted.every((w) => have.includes(w))) return Number(m[3]);
  }
  return undefined;
}

describe('observability of the marketplace (npm start runtime)', () => {
  let market: TestMarketplace;
  let metricsServer: Server;
  const lines: LogLine[] = [];

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const l of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l) as LogLine);
        done();
      },
    });
    const log = createLogger('ticketyboo', sink);
    log.level = 'debug';
    market = await startTestMarketplace({ log, env: { ORDER_EXPIRATION_SECONDS: '1' } });
    metricsServer = await serveMetrics(0);
  }, 180_000);
  afterAll(async () => {
    await closeServer(metricsServer, 1000);
    await market.dispose();
  });

  const signUp = async (email: string) =>
    (await request(market.app).post('/api/users/signup').send({ email, password: 'a long password' }).expect(201)).get('set-cookie')![0]!.split(';')[0]!;
  const metricsText = async () => (await request(`http://127.0.0.1:${portOf(metricsServer)}`).get('/metrics').expect(200)).text;

  it("follows a buyer's request across services in the logs: the events it caused carry its request id", async () => {
    const seller = await signUp('seller@example.com');
    const buyer = await signUp('buyer@example.com');
    const ticket = (await request(market.app).post('/api/tickets').set('Cookie', seller).send({ title: 'Traced', price: 5 }).expect(201)).body;
    await request(market.app).post('/api/orders').set('Cookie', buyer).set('x-request-id', 'trace-order-1').send({ ticketId: ticket.id }).expect(201);

    const requestLog = lines.find((l) => l.msg === 'request' && l.requestId === 'trace-order-1');
    expect(requestLog).toMatchObject({ method: 'POST', url: '/api/orders', status: 201 });
    // order.created reaches tickets and expiration; the ticket.updated tickets publishes in turn reaches orders.
    const handled = await eventually(() => {
      const services = new Set(lines.filter((l) => l.msg === 'event handled' && l.requestId === 'trace-order-1').map((l) => `${l.service}:${String(l.subject)}`));
      return ['tickets:order.created', 'expiration:order.created', 'orders:ticket.updated'].every((s) => services.has(s)) ? services : undefined;
    });
    expect(handled.size).toBeGreaterThanOrEqual(3);
    expect(lines.filter((l) => l.msg === 'event handled' && l.requestId === 'trace-order-1').every((l) => typeof l.eventId === 'string')).toBe(true);
  });

  it('exposes Prometheus metrics: HTTP latency by route, events published and consumed, locks, expiry lateness', async () => {
    // The first test's lock (1 s) is over before this one takes its own.
    await eventually(async () => (sample(await metricsText(), 'active_locks') === 0 ? true : undefined), 10_000);
    const seller = await signUp('seller2@example.com');
    const buyer = await signUp('buyer2@example.com');
    const ticket = (await request(market.app).post('/api/tickets').set('Cookie', seller).send({ title: 'Counted', price: 5 }).expect(201)).body;
    await request(market.app).post('/api/orders').set('Cookie', buyer).send({ ticketId: ticket.id }).expect(201);
    await request(market.app).get(`/api/orders/${ticket.id}`).set('Cookie', buyer).expect(404);
    // Only on the metrics port: the public one does not tell the world its sign-ups and sales.
    await request(market.app).get('/metrics').expect(404);
    let text = await metricsText();
    expect(sample(text, 'http_request_duration_seconds_count', { method: 'POST', route: '/api/orders/', status: '201' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'http_request_duration_seconds_count', { method: 'GET', route: '/api/orders/:id', status: '404' })).toBeGreaterThanOrEqual(1);
    // Ids never become label values.
    expect(text).not.toContain(ticket.id);
    expect(sample(text, 'active_locks')).toBe(1);
    await eventually(async () => {
      text = await metricsText();
      const fired = sample(text, 'expiration_lateness_seconds_count') ?? 0;
      // The expiry's event is published a moment after it fired.
      const published = sample(text, 'outbox_lag_seconds_count', { subject: 'order.expired' }) ?? 0;
      return fired >= 2 && published >= 2 ? true : undefined;
    }, 5000);
    expect(sample(text, 'events_published_total', { subject: 'order.created' })).toBeGreaterThanOrEqual(2);
    expect(sample(text, 'events_consumed_total', { subject: 'order.created' })).toBeGreaterThanOrEqual(2);
    expect(sample(text, 'outbox_lag_seconds_count', { subject: 'order.expired' })).toBeGreaterThanOrEqual(2);
    expect(sample(text, 'active_locks')).toBe(0);
  });

  it('counts and logs a poison message instead of blocking on it', async () => {
    await market.bus.publish('ticket.created', 'poison-1', '{"not": "an envelope"}');
    await eventually(async () => ((sample(await metricsText(), 'events_dead_lettered_total', { subject: 'ticket.created' }) ?? 0) >= 1 ? true : undefined));
    expect(lines.some((l) => l.msg === 'event dead-lettered' && l.subject === 'ticket.created')).toBe(true);
  });
});
