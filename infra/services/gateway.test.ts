import { request as httpRequest } from 'node:http';
import express from 'express';
import request from 'supertest';
import { createLogger, listen, portOf } from '@ticketyboo/common';
import { freePort } from './free-port';
import { createGateway, routeFor, type Route, type Target } from './gateway';

const routes: Route[] = [
  { prefix: '/api/users', upstream: 'auth' },
  { prefix: '/api/orders', upstream: 'orders' },
  { prefix: '/', upstream: 'client' },
];

describe('routeFor: ingress-nginx Prefix matching', () => {
  it.each([
    ['/api/users', 'auth'],
    ['/api/users/signup', 'auth'],
    ['/api/usersx', 'client'],
    ['/api/orders/123', 'orders'],
    ['/', 'client'],
    ['/tickets/new', 'client'],
  ])('%s → %s', (path, upstream) => {
    expect(routeFor(routes, path)?.upstream).toBe(upstream);
  });
});

describe('the gateway', () => {
  /** An upstream that echoes what it was sent, and says who it is. */
  async function upstream(label: string): Promise<Target & { close(): void }> {
    const app = express();
    app.use(express.json());
    app.all('/{*rest}', (req, res) => void res.json({ label, method: req.method, url: req.originalUrl, body: req.body as unknown, proto: req.get('x-forwarded-proto') }));
    const server = await listen(app, 0);
    return { label, port: portOf(server), close: () => server.close() };
  }

  it('spreads requests round-robin, forwards method, path, query and body, and goes past a replica that refuses', async () => {
    const a = await upstream('orders#1');
    const b = await upstream('orders#2');
    const dead: Target = { label: 'orders#3', port: await freePort() };
    const pool: Record<string, Target[]> = { orders: [a, dead, b] };
    const app = createGateway({ routes, targets: (n) => pool[n] ?? [], fallback: (_req, res) => void res.send('landing'), log: createLogger('test') });
    try {
      const seen: string[] = [];
      for (let i = 0; i < 6; i++) {
        const res = await request(app).post('/api/orders/x?y=1').send({ n: i }).expect(200);
        expect(res.body).toEqual({ label: res.headers['x-served-by'], method: 'POST', url: '/api/orders/x?y=1', body: { n: i }, proto: 'http' });
        seen.push(res.body.label);
      }
      expect(new Set(seen)).toEqual(new Set(['orders#1', 'orders#2']));
    } finally {
      a.close();
      b.close();
    }
  });

  it("is the edge: a client's own X-Forwarded-For is replaced, so a service trusting the gateway's hop sees the real client", async () => {
    // A service as start:services runs it: TRUST_PROXY=loopback, the gateway's hop.
    const service = express().set('trust proxy', 'loopback');
    service.get('/{*rest}', (req, res) => void res.json({ ip: req.ip, forwardedFor: req.get('x-forwarded-for') }));
    const server = await listen(service, 0);
    const app = createGateway({ routes, targets: () => [{ label: 'auth#1', port: portOf(server) }], fallback: (_req, res) => void res.send('landing'), log: createLogger('test') });
    try {
      const res = await request(app).get('/api/users/currentuser').set('X-Forwarded-For', '203.0.113.9').expect(200);
      expect(res.body.forwardedFor).not.toContain('203.0.113.9');
      expect(res.body.ip).toMatch(/^(::ffff:)?127\.0\.0\.1$|^::1$/);
    } finally {
      server.close();
    }
  });

  it('answers 503 for a route with no ready process, and serves the fallback at / without a client', async () => {
    const app = createGateway({ routes, targets: () => [], fallback: (_req, res) => void res.send('landing'), log: createLogger('test') });
    expect((await request(app).get('/api/users/currentuser')).status).toBe(503);
    expect((await request(app).get('/')).text).toBe('landing');
    expect((await request(app).get('/tickets/new')).status).toBe(404);
  });

  /** POSTs `size` bytes in 64 kB writes, 1 ms apart; resolves with the answer, rejects if the connection is reset. */
  function postLarge(port: number, size: number, chunked: boolean): Promise<{ status: number; body: unknown }> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (!chunked) headers['content-length'] = String(size);
      // Done once the answer is read AND every byte was sent: a gateway that hangs up on a client
      // still sending makes its writes fail (EPIPE, ECONNRESET), and over a real network its answer is lost.
      let answer: { status: number; body: unknown } | undefined;
      let sentAll = false;
      const settle = () => answer && sentAll && resolve(answer);
      const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: '/api/orders', headers }, (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => {
          answer = { status: res.statusCode ?? 0, body: JSON.parse(text) as unknown };
          settle();
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      req.on('finish', () => {
        sentAll = true;
        settle();
      });
      const chunk = Buffer.alloc(64 * 1024, 'x');
      let sent = 0;
      // A chunk at a time, as over a real network: the gateway decides while the body is still coming.
      const write = (): void => {
        if (sent >= size) return void req.end();
        sent += chunk.length;
        if (req.write(chunk)) setTimeout(write, 1);
        else req.once('drain', () => setTimeout(write, 1));
      };
      write();
    });
  }

  it.each([['with a Content-Length', false], ['chunked', true]])(
    'answers a 2 MB body (%s) with 413 and the JSON error, as ingress-nginx does, without resetting the connection',
    async (_how, chunked) => {
      const orders = await upstream('orders#1');
      const app = createGateway({ routes, targets: (n) => (n === 'orders' ? [orders] : []), fallback: (_req, res) => void res.send('landing'), log: createLogger('test') });
      const server = await listen(app, 0);
      try {
        const answer = await postLarge(portOf(server), 2 * 1024 * 1024, chunked);
        expect(answer).toEqual({ status: 413, body: { errors: [{ message: 'Request body too large' }] } });
      } finally {
        server.close();
        orders.close();
      }
    },
  );
});
