import { Writable } from 'node:stream';
import { Router } from 'express';
import request from 'supertest';
import { z } from 'zod';
import { ConflictError, ForbiddenError, NotFoundError } from '../errors/http-errors';
import { metrics } from '../observability/metrics';
import { createLogger } from '../log';
import { SessionTokens } from '../session/session';
import { createHttpApp } from './create-app';
import { requireAuth, SessionCookies } from './session-middleware';
import { eventually } from '../testing/test-infra';
import { validate } from './validate';

type ShellOptions = Pick<Parameters<typeof createHttpApp>[0], 'trustProxy' | 'allowedOrigins' | 'publicOrigins' | 'slowRequestMs'>;

function appWith(router: Router, options: ShellOptions = {}, log = createLogger('test')) {
  const errors: unknown[] = [];
  log.error = ((obj: unknown) => void errors.push(obj));
  const app = createHttpApp({ log, tokens: new SessionTokens('k'.repeat(32)), isRevoked: async () => false, mounts: [{ prefix: '/api/things', router }], ...options });
  return { app, errors };
}

/** A logger at debug whose lines the test reads. */
function logSink() {
  const lines: { level: number; msg: string; url?: string; status?: number }[] = [];
  const log = createLogger('test', new Writable({ write: (chunk: Buffer, _enc, done) => void (lines.push(JSON.parse(chunk.toString()) as (typeof lines)[number]), done()) }));
  log.level = 'debug';
  return { log, lines };
}

const INFO = 30;

describe('the shared HTTP shell', () => {
  const router = Router();
  router.get('/boom', () => {
    throw new Error('database password is hunter2');
  });
  router.get('/async-boom', async () => {
    await Promise.resolve();
    throw new TypeError('cannot read properties of undefined');
  });
  router.get('/mine', requireAuth, (_req, res) => void res.json({ ok: true }));
  router.get('/db-down', () => {
    throw Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });
  });
  router.get('/forbidden', () => {
    throw new ForbiddenError('Not your ticket');
  });
  router.get('/conflict', () => {
    throw new ConflictError('Ticket is already reserved');
  });
  router.get('/:id', (req) => {
    throw new NotFoundError(`No thing ${req.params.id}`);
  });
  router.post('/validated', (req, res) => {
    const body = validate(z.object({ price: z.number().positive(), title: z.string().min(1) }), req.body);
    res.status(201).json(body);
  });

  it('turns an unexpected error into a generic 500 with the request id, logged, without internals', async () => {
    const { app, errors } = appWith(router);
    for (const path of ['/api/things/boom', '/api/things/async-boom']) {
      const res = await request(app).get(path).set('x-request-id', 'req-123').expect(500);
      expect(res.body).toEqual({ errors: [{ message: 'Something went wrong (request req-123)' }] });
      expect(JSON.stringify(res.body)).not.toMatch(/hunter2|undefined|at /);
    }
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatchObject({ requestId: 'req-123' });
  });

  it('answers 503 with Retry-After, not 500, while the database is restarting', async () => {
    const { app, errors } = appWith(router);
    const res = await request(app).get('/api/things/db-down').expect(503);
    expect(res.headers['retry-after']).toBe('1');
    expect(res.body).toEqual({ errors: [{ message: 'Temporarily unavailable; please try again' }] });
    expect(errors).toHaveLength(0);
  });

  it('gives each request an id when the caller did not', async () => {
    const { app } = appWith(router);
    const res = await request(app).get('/api/things/mine');
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('maps 401, 403 and 409 to their JSON errors', async () => {
    const { app } = appWith(router);
    expect((await request(app).get('/api/things/mine').expect(401)).body).toEqual({ errors: [{ message: 'Not signed in' }] });
    expect((await request(app).get('/api/things/forbidden').expect(403)).body).toEqual({ errors: [{ message: 'Not your ticket' }] });
    expect((await request(app).get('/api/things/conflict').expect(409)).body).toEqual({
      errors: [{ message: 'Ticket is already reserved' }],
    });
  });

  it('serves no /metrics on the app port, and labels a route with its mount prefix even when it fails', async () => {
    const { app } = appWith(router);
    await request(app).get('/metrics').expect(404);
    await request(app).get('/api/things/conflict').expect(409);
    await request(app).get('/api/things/some-id').expect(404);
    const text = await metrics.metrics();
    expect(text).toMatch(/http_request_duration_seconds_count\{method="GET",route="\/api\/things\/conflict",status="409"\} \d+/);
    expect(text).toMatch(/http_request_duration_seconds_count\{method="GET",route="\/api\/things\/:id",status="404"\} \d+/);
    expect(text).not.toMatch(/route="\/:id"/);
    expect(text).not.toContain('some-id');
  });

  it('names every invalid field in a 400', async () => {
    const { app } = appWith(router);
    const res = await request(app).post('/api/things/validated').send({ price: -1 }).expect(400);
    expect(res.body.errors).toEqual([
      { field: 'price', message: expect.any(String) },
      { field: 'title', message: expect.any(String) },
    ]);
    await request(app).post('/api/things/validated').send({ price: 5, title: 'ok' }).expect(201);
  });
});

describe('the shared HTTP shell against hostile browsers', () => {
  const router = Router();
  router.post('/change', (_req, res) => void res.status(201).json({ changed: true }));
  router.get('/read', (_req, res) => void res.json({ read: true }));
  router.get('/ip', (req, res) => void res.json({ ip: req.ip }));
  // As auth sets it: `alwaysSecure` decided once, at start (from COOKIE_SECURE, else NODE_ENV).
  const tokens = new SessionTokens('k'.repeat(32));
  const cookies = new SessionCookies(tokens, { alwaysSecure: false });
  router.post('/signin', (req, res) => {
    cookies.set(req, res, tokens.sign({ id: 'u1', email: 'a@example.com' }));
    res.json({});
  });
  const { app } = appWith(router);

  it('refuses a state-changing request another site made the browser send (403), and allows our own', async () => {
    const cross = await request(app).post('/api/things/change').set('Sec-Fetch-Site', 'cross-site').set('Origin', 'https://evil.example').expect(403);
    expect(cross.body).toEqual({ errors: [{ message: 'Cross-site request refused' }] });
    await request(app).post('/api/things/change').set('Sec-Fetch-Site', 'same-site').expect(403);
    // Older browsers send only Origin.
    await request(app).post('/api/things/change').set('Origin', 'https://evil.example').expect(403);
    await request(app).post('/api/things/change').set('Origin', 'null').expect(403);
    await request(app).delete('/api/things/change').set('Origin', 'https://evil.example').expect(403);

    await request(app).post('/api/things/change').set('Sec-Fetch-Site', 'same-origin').expect(201);
    await request(app).post('/api/things/change').set('Host', 'ticketyboo.dev').set('Origin', 'http://ticketyboo.dev').expect(201);
    // The scheme is part of the origin: a page on http://site is not https://site, nor the reverse.
    await request(app).post('/api/things/change').set('Host', 'ticketyboo.dev').set('Origin', 'https://ticketyboo.dev').expect(403);
    const behindTls = appWith(router, { trustProxy: 'loopback' }).app;
    const viaTls = () => request(behindTls).post('/api/things/change').set('Host', 'ticketyboo.dev').set('X-Forwarded-Proto', 'https');
    await viaTls().set('Origin', 'https://ticketyboo.dev').expect(201);
    await viaTls().set('Origin', 'http://ticketyboo.dev').expect(403);
    // Behind the gateway or the ingress (a trusted hop), the browser's host arrives as X-Forwarded-Host.
    await request(appWith(router, { trustProxy: 'loopback' }).app)
      .post('/api/things/change')
      .set('X-Forwarded-Host', 'localhost:3000')
      .set('Origin', 'http://localhost:3000')
      .expect(201);
    // Not from a browser at all (a server, curl, Stripe's webhook).
    await request(app).post('/api/things/change').expect(201);
    // Reading is harmless.
    await request(app).get('/api/things/read').set('Sec-Fetch-Site', 'cross-site').expect(200);
  });

  it('refuses API requests for a host the site is not served at, once PUBLIC_ORIGINS names it (421)', async () => {
    const { app: served } = appWith(router, { publicOrigins: ['https://ticketyboo.dev', 'https://www.ticketyboo.dev'] });
    const forged = await request(served).get('/api/things/read').set('Host', 'evil.example').expect(421);
    expect(forged.body).toEqual({ errors: [{ message: 'This site is not served at evil.example' }] });
    await request(served).post('/api/things/change').set('Host', 'evil.example:8443').expect(421);
    await request(served).get('/api/things/read').set('Host', 'ticketyboo.dev').expect(200);
    await request(served).get('/api/things/read').set('Host', 'WWW.ticketyboo.dev').expect(200);
    // Unset (npm start, a service tried alone): any host.
    await request(app).get('/api/things/read').set('Host', 'evil.example').expect(200);
  });

  it('allows the origins ALLOWED_ORIGINS names', async () => {
    const { app: open } = appWith(router, { allowedOrigins: ['https://partner.example'] });
    await request(open).post('/api/things/change').set('Origin', 'https://partner.example').set('Sec-Fetch-Site', 'cross-site').expect(201);
    await request(open).post('/api/things/change').set('Origin', 'https://evil.example').expect(403);
  });

  it('ignores a forged X-Forwarded-For unless the hop it came through is trusted (TRUST_PROXY)', async () => {
    const direct = await request(app).get('/api/things/ip').set('X-Forwarded-For', '203.0.113.7').expect(200);
    expect(direct.body.ip).not.toBe('203.0.113.7');
    expect(direct.body.ip).toMatch(/127\.0\.0\.1|::1/);
    const proxied = await request(appWith(router, { trustProxy: 'loopback' }).app).get('/api/things/ip').set('X-Forwarded-For', '203.0.113.7').expect(200);
    expect(proxied.body.ip).toBe('203.0.113.7');
  });

  it('sends security headers and keeps API answers out of caches', async () => {
    const res = await request(app).get('/api/things/read').expect(200);
    expect(res.headers).toMatchObject({
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'SAMEORIGIN',
      'strict-transport-security': expect.stringContaining('max-age='),
      'content-security-policy': expect.stringContaining("default-src 'self'"),
      'cache-control': 'no-store',
    });
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('marks the session cookie HttpOnly and SameSite=Lax; Secure over https (a trusted X-Forwarded-Proto) or when configured so', async () => {
    const plain = (await request(app).post('/api/things/signin').expect(200)).get('set-cookie')![0]!;
    expect(plain).toMatch(/HttpOnly/);
    expect(plain).toMatch(/SameSite=Lax/);
    expect(plain).not.toMatch(/Secure/);
    // A client's own X-Forwarded-Proto is not believed; the gateway's or the ingress's is.
    expect((await request(app).post('/api/things/signin').set('X-Forwarded-Proto', 'https').expect(200)).get('set-cookie')![0]).not.toMatch(/Secure/);
    const behindProxy = appWith(router, { trustProxy: 'loopback' }).app;
    expect((await request(behindProxy).post('/api/things/signin').set('X-Forwarded-Proto', 'https').expect(200)).get('set-cookie')![0]).toMatch(/; Secure/);

    const production = Router();
    const secure = new SessionCookies(tokens, { alwaysSecure: true });
    production.post('/signin', (req, res) => void (secure.set(req, res, tokens.sign({ id: 'u1', email: 'a@example.com' })), res.json({})));
    expect((await request(appWith(production).app).post('/api/things/signin').expect(200)).get('set-cookie')![0]).toMatch(/; Secure/);
  });
});

describe('the request log', () => {
  const router = Router();
  router.get('/poll', (_req, res) => void res.json({ ok: true }));
  router.get('/missing', (_req, res) => void res.status(404).json({ errors: [{ message: 'Not found' }] }));
  router.get('/mine', requireAuth, (_req, res) => void res.json({}));
  router.get('/boom', () => {
    throw new Error('boom');
  });
  router.post('/change', (_req, res) => void res.status(201).json({}));
  const levelOf = (lines: ReturnType<typeof logSink>['lines'], url: string) => lines.find((l) => l.msg === 'request' && l.url === url)?.level;

  it("keeps the client's once-a-second polling out of the info log, unless it fails or is slow", async () => {
    const { log, lines } = logSink();
    const { app } = appWith(router, {}, log);
    await request(app).get('/api/things/poll').expect(200);
    await request(app).get('/api/things/missing').expect(404);
    await request(app).get('/api/things/mine').expect(401);
    await request(app).get('/api/things/boom').expect(500);
    await request(app).post('/api/things/change').expect(201);
    await eventually(() => (lines.filter((l) => l.msg === 'request').length === 5 ? true : undefined));
    expect(levelOf(lines, '/api/things/poll')).toBeLessThan(INFO);
    expect(levelOf(lines, '/api/things/missing')).toBeLessThan(INFO);
    expect(levelOf(lines, '/api/things/mine')).toBe(INFO);
    expect(levelOf(lines, '/api/things/boom')).toBe(INFO);
    expect(levelOf(lines, '/api/things/change')).toBe(INFO);

    const slow = logSink();
    await request(appWith(router, { slowRequestMs: -1 }, slow.log).app).get('/api/things/poll').expect(200);
    await eventually(() => slow.lines.find((l) => l.msg === 'request'));
    expect(levelOf(slow.lines, '/api/things/poll')).toBe(INFO);
  });
});
