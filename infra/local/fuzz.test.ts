import fc from 'fast-check';
import request from 'supertest';
import type { Database } from '@ticketyboo/common';
import { eventually, NO_PER_USER_LIMITS } from '@ticketyboo/common/testing';
import { startTestMarketplace, type TestMarketplace } from './marketplace.test-helpers';

/** Values that are wrong for any JSON field we accept: not a string, not a number, or an injection attempt. */
const notAScalar = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.constant({ $gt: '' }),
  fc.constant({ $ne: null }),
  fc.constant({ $where: 'sleep(1000)' }),
  fc.array(fc.jsonValue(), { maxLength: 3 }),
  fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 3 }),
  fc.constant(JSON.parse('{"__proto__": {"admin": true}}') as unknown),
);
const tooLong = (min: number) => fc.string({ unit: 'grapheme', minLength: min + 1, maxLength: min + 2000 });
const notAUuid = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 80 }).filter((s) => !/^[0-9a-f-]{36}$/i.test(s)),
  fc.constant("' OR 1=1 --"),
  fc.constant('00000000-0000-0000-0000-00000000000g'),
  fc.integer(),
);
const notAPrice = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.double({ max: 0, noNaN: true }),
  fc.double({ min: 1_000_000.01, noNaN: true }),
  fc.constant(12.345),
);

const invalidField = {
  email: fc.oneof(notAScalar, fc.integer(), tooLong(254), fc.string({ maxLength: 20 }).filter((s) => !s.includes('@'))),
  newPassword: fc.oneof(notAScalar, fc.integer(), fc.string({ maxLength: 7 }), tooLong(128)),
  title: fc.oneof(notAScalar, fc.integer(), fc.constantFrom('', '   ', '\n\t'), tooLong(200)),
  price: fc.oneof(notAScalar, notAPrice),
  uuid: fc.oneof(notAScalar, notAUuid),
  token: fc.oneof(notAScalar, fc.integer(), fc.constantFrom('', '  '), tooLong(255)),
  anyString: fc.oneof(notAScalar, fc.integer()),
};

/** Characters no field accepts: NUL, the rest of C0, DEL, C1, and terminal escape sequences. */
const controlCharacter = fc.oneof(
  fc.integer({ min: 0x00, max: 0x1f }).map((c) => String.fromCharCode(c)),
  fc.integer({ min: 0x7f, max: 0x9f }).map((c) => String.fromCharCode(c)),
  fc.constantFrom('\u0000', '\u001b[2J', '\u001b[31m', '\u001b]0;pwned\u0007', '\u009b31m', '\r\n'),
);
const bidiControl = fc.constantFrom('\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\u2066', '\u2067', '\u2068', '\u2069', '\u200E', '\u200F', '\u061C');
/** `valid` with `chars` spliced in strictly inside it (at the edges, whitespace such as \n is just trimmed). */
const splicedInto = (valid: string, chars: fc.Arbitrary<string> = controlCharacter) =>
  fc.tuple(fc.integer({ min: 1, max: valid.length - 1 }), chars).map(([i, c]) => valid.slice(0, i) + c + valid.slice(i));
/** Text that shows nothing: bidi controls, zero-width and filler characters, a lone combining mark. */
const invisibleOnly = fc
  .array(fc.oneof(bidiControl, fc.constantFrom(' ', '\u200B', '\u2060', '\uFEFF', '\u3164', '\u0301', '\u00A0')), { minLength: 1, maxLength: 8 })
  .map((parts) => parts.join(''));
/** What no field takes: control characters inside, or (for a field that strips bidi controls) nothing visible. */
const withControls = (valid: string) => fc.oneof(splicedInto(valid), splicedInto(valid, bidiControl.chain((b) => controlCharacter.map((c) => b + c))));
// Passwords may hold any character but NUL (they are hashed, never stored): only NUL is refused.
const withNul = (valid: string) => splicedInto(valid, fc.constant('\u0000'));

/** A valid body with one field made invalid, a required field missing, or no object at all. */
function brokenBody(valid: Record<string, unknown>, fields: Record<string, fc.Arbitrary<unknown>>, required: string[]): fc.Arbitrary<unknown> {
  const names = Object.keys(fields);
  return fc.oneof(
    fc.constantFrom(...names).chain((name) => fields[name]!.map((bad) => ({ ...valid, [name]: bad }))),
    fc.constantFrom(...required).map((name) => Object.fromEntries(Object.entries(valid).filter(([k]) => k !== name))),
    fc.oneof(fc.constant(null), fc.integer(), fc.string(), fc.array(fc.jsonValue(), { maxLength: 3 })),
  );
}

/** Raw bodies that are not the JSON they claim to be. */
const badJson = fc.oneof(
  fc.constantFrom('{', '{"title": }', '{"a":1,}', "{'title': 'x'}", 'null null', '\u0000', '[1,2', '{"price": NaN}'),
  fc.string({ unit: 'binary', maxLength: 200 }).filter((s) => {
    try {
      JSON.parse(s);
      return false;
    } catch {
      return true;
    }
  }),
);

/** Every row of every table of every service, as one fingerprint per service (rate-limit counters aside). */
async function fingerprint(dbs: Map<string, Database>): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [service, db] of dbs) {
    const { rows: tables } = await db.query<{ name: string }>(
      `SELECT table_name AS name FROM information_schema.tables
       WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> 'rate_limits' ORDER BY 1`,
    );
    const parts: string[] = [];
    for (const { name } of tables) {
      const { rows } = await db.query<{ digest: string }>(
        `SELECT count(*) || ':' || md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS digest FROM "${name}" t`,
      );
      parts.push(`${name}=${rows[0]!.digest}`);
    }
    out[service] = parts.join(' ');
  }
  return out;
}

describe('the API under thousands of malformed requests (npm start runtime)', () => {
  let market: TestMarketplace;
  let dbs: Map<string, Database>;
  let buyer: string;
  let seller: string;
  let ticketId: string;
  let orderId: string;
  let sent = 0;

  beforeAll(async () => {
    market = await startTestMarketplace({ env: { AUTH_ATTEMPTS_PER_IP: '1000000', ...NO_PER_USER_LIMITS } });
    dbs = market.dbs;
    const signUp = async (email: string) =>
      (await request(market.app).post('/api/users/signup').send({ email, password: 'a long password' }).expect(201))
        .get('set-cookie')![0]!
        .split(';')[0]!;
    seller = await signUp('seller@example.com');
    buyer = await signUp('buyer@example.com');
    ticketId = (await request(market.app).post('/api/tickets').set('Cookie', seller).send({ title: 'Fuzzed', price: 10 }).expect(201))
      .body.id;
    const other = (await request(market.app).post('/api/tickets').set('Cookie', seller).send({ title: 'Held', price: 20 }).expect(201))
      .body.id;
    orderId = (await request(market.app).post('/api/orders').set('Cookie', buyer).send({ ticketId: other }).expect(201)).body.id;
    await eventually(async () => ((await request(market.app).get(`/api/tickets/${other}`)).body.status === 'locked' ? true : undefined));
  }, 180_000);
  afterAll(() => market.dispose());

  /** Sends one request and checks the promise every route makes: a clear 4xx JSON error, never a 5xx. */
  async function send(method: 'get' | 'post' | 'put' | 'patch' | 'delete', path: string, opts: { cookie?: string; body?: unknown; raw?: string } = {}) {
    let req = request(market.app)[method](path);
    if (opts.cookie) req = req.set('Cookie', opts.cookie);
    if (opts.raw !== undefined) req = req.set('content-type', 'application/json').send(opts.raw);
    else if (opts.body !== undefined) req = req.set('content-type', 'application/json').send(JSON.stringify(opts.body));
    const res = await req;
    sent++;
    if (res.status >= 500 || res.status < 400) {
      throw new Error(`${method.toUpperCase()} ${path} ${JSON.stringify(opts).slice(0, 300)} → ${res.status} ${res.text.slice(0, 300)}`);
    }
    expect(res.body).toEqual({ errors: expect.arrayContaining([expect.objectContaining({ message: expect.any(String) })]) });
  }

  const cookies = () => fc.constantFrom(buyer, seller, 'session=garbage', 'session=eyJhbGciOiJub25lIn0.eyJpZCI6IngifQ.');
  const runs = { numRuns: 150 };

  it('refuses every malformed body on every route that takes one, with a 4xx and no change of state', async () => {
    await eventually(async () => {
      const a = await fingerprint(dbs);
      const b = await fingerprint(dbs);
      return JSON.stringify(a) === JSON.stringify(b) ? a : undefined;
    });
    const before = await fingerprint(dbs);
    type BodyRoute = [string, 'post' | 'put' | 'patch', () => string, Record<string, unknown>, Record<string, fc.Arbitrary<unknown>>, boolean, string[]?];
    const bodies: BodyRoute[] = [
      ['signup', 'post', () => '/api/users/signup', { email: 'new@example.com', password: 'a long password' }, { email: invalidField.email, password: invalidField.newPassword }, false],
      ['signin', 'post', () => '/api/users/signin', { email: 'buyer@example.com', password: 'a long password' }, { email: invalidField.anyString, password: invalidField.anyString }, false],
      ['profile', 'patch', () => '/api/users/currentuser', { currentPassword: 'a long password', email: 'changed@example.com' }, { currentPassword: invalidField.anyString, email: invalidField.email }, true],
      ['list', 'post', () => '/api/tickets', { title: 'x', price: 1 }, { title: invalidField.title, price: invalidField.price }, true],
      ['edit', 'put', () => `/api/tickets/${ticketId}`, { title: 'x', price: 1 }, { title: invalidField.title, price: invalidField.price }, true],
      ['order', 'post', () => '/api/orders', { ticketId, price: 10 }, { ticketId: invalidField.uuid, price: invalidField.price }, true, ['ticketId']],
      ['pay', 'post', () => '/api/payments', { orderId, token: 'tok_visa' }, { orderId: invalidField.uuid, token: invalidField.token }, true],
    ];
    for (const [, method, path, valid, fields, needsAuth, required = Object.keys(fields)] of bodies) {
      await fc.assert(
        fc.asyncProperty(brokenBody(valid, fields, required), cookies(), async (body, cookie) => {
          await send(method, path(), { body, ...(needsAuth ? { cookie } : {}) });
        }),
        runs,
      );
      await fc.assert(
        fc.asyncProperty(badJson, async (raw) => send(method, path(), { raw, ...(needsAuth ? { cookie: buyer } : {}) })),
        { numRuns: 40 },
      );
      // Signed out, or with a forged session: 401 before anything else.
      if (needsAuth) await fc.assert(fc.asyncProperty(fc.constantFrom(undefined, 'session=garbage'), async (cookie) => send(method, path(), { body: valid, ...(cookie ? { cookie } : {}) })), { numRuns: 4 });
    }
    expect(await fingerprint(dbs)).toEqual(before);
  }, 600_000);

  it('refuses control characters, bidi overrides and escapes in every string field of every route, with a 4xx and no change of state', async () => {
    const before = await fingerprint(dbs);
    const title = fc.oneof(withControls('Fuzzed gig'), invisibleOnly);
    type StringRoute = [string, 'post' | 'put' | 'patch', string, string | undefined, Record<string, unknown>, Record<string, fc.Arbitrary<string>>];
    const routes: StringRoute[] = [
      ['signup', 'post', '/api/users/signup', undefined, { email: 'new@example.com', password: 'a long password' }, { email: withControls('new@example.com'), password: withNul('a long password') }],
      ['signin', 'post', '/api/users/signin', undefined, { email: 'buyer@example.com', password: 'a long password' }, { email: withControls('buyer@example.com'), password: withControls('a long password') }],
      ['profile', 'patch', '/api/users/currentuser', buyer, { currentPassword: 'a long password', email: 'changed@example.com' }, { currentPassword: withControls('a long password'), email: withControls('changed@example.com'), password: withNul('another long password') }],
      ['list', 'post', '/api/tickets', seller, { title: 'x', price: 1 }, { title }],
      ['edit', 'put', `/api/tickets/${ticketId}`, seller, { title: 'x', price: 1 }, { title }],
      ['order', 'post', '/api/orders', buyer, { ticketId, price: 10 }, { ticketId: withControls(ticketId) }],
      ['pay', 'post', '/api/payments', buyer, { orderId, token: 'tok_visa' }, { orderId: withControls(orderId), token: withControls('tok_visa') }],
    ];
    for (const [, method, path, cookie, valid, fields] of routes) {
      const body = fc.constantFrom(...Object.keys(fields)).chain((name) => fields[name]!.map((bad) => ({ ...valid, [name]: bad })));
      await fc.assert(fc.asyncProperty(body, async (b) => send(method, path, { body: b, ...(cookie ? { cookie } : {}) })), runs);
    }
    const query = fc.oneof(
      withControls('gig').map((q) => ({ q })),
      withControls(ticketId).map((sellerId) => ({ sellerId })),
      withControls(Buffer.from('12').toString('base64url')).map((cursor) => ({ cursor })),
      withControls('10').map((limit) => ({ limit })),
    );
    await fc.assert(fc.asyncProperty(query, async (q) => send('get', `/api/tickets?${new URLSearchParams(q).toString()}`)), runs);
    await fc.assert(fc.asyncProperty(withControls(orderId), async (id) => send('get', `/api/payments?orderId=${encodeURIComponent(id)}`, { cookie: buyer })), runs);
    const ids = fc.oneof(withControls(ticketId), withControls(orderId));
    await fc.assert(
      fc.asyncProperty(ids, async (id) => {
        await send('get', `/api/tickets/${encodeURIComponent(id)}`);
        await send('get', `/api/orders/${encodeURIComponent(id)}`, { cookie: buyer });
        await send('delete', `/api/orders/${encodeURIComponent(id)}`, { cookie: buyer });
      }),
      runs,
    );
    expect(await fingerprint(dbs)).toEqual(before);
  }, 600_000);

  it('refuses malformed ids and queries on every route that takes them, with a 4xx and no change of state', async () => {
    const before = await fingerprint(dbs);
    // An empty id is another route (the list), so ids here are never empty.
    const badId = fc.oneof(notAUuid.map(String).filter((s) => s.trim().length > 0), fc.constantFrom('..%2F..%2Fetc%2Fpasswd', '%00', '%E0%A4%A', 'a'.repeat(5000)));
    const idRoutes: ['get' | 'put' | 'delete', (id: string) => string, string | undefined][] = [
      ['get', (id) => `/api/tickets/${id}`, undefined],
      ['get', (id) => `/api/tickets/${id}/prices`, undefined],
      ['put', (id) => `/api/tickets/${id}`, seller],
      ['get', (id) => `/api/orders/${id}`, buyer],
      ['delete', (id) => `/api/orders/${id}`, buyer],
    ];
    for (const [method, path, cookie] of idRoutes) {
      await fc.assert(
        fc.asyncProperty(badId, async (id) => {
          const encoded = /%/.test(id) ? id : encodeURIComponent(id);
          await send(method, path(encoded), { ...(cookie ? { cookie } : {}), ...(method === 'put' ? { body: { title: 'x', price: 1 } } : {}) });
        }),
        runs,
      );
    }
    const badQuery = fc.record(
      {
        limit: fc.oneof(fc.string({ maxLength: 10 }).filter((s) => !/^\s*\d+\s*$/.test(s) || Number(s) < 1 || Number(s) > 200), fc.constantFrom('0', '201', '-1', '1e9')),
        sellerId: notAUuid.map(String),
        cursor: fc.string({ minLength: 1, maxLength: 300 }).filter((s) => !/^\d+$/.test(s)),
      },
      { requiredKeys: [] },
    ).filter((q) => Object.keys(q).length > 0);
    await fc.assert(fc.asyncProperty(badQuery, async (q) => send('get', `/api/tickets?${new URLSearchParams(q).toString()}`)), runs);
    await fc.assert(fc.asyncProperty(notAUuid.map(String), async (id) => send('get', `/api/payments?orderId=${encodeURIComponent(id)}`, { cookie: buyer })), runs);
    // Another user's things are not theirs to touch.
    await send('delete', `/api/orders/${orderId}`, { cookie: seller });
    await send('put', `/api/tickets/${ticketId}`, { cookie: buyer, body: { title: 'mine now', price: 1 } });
    await send('post', '/api/payments', { cookie: seller, body: { orderId, token: 'tok_visa' } });
    expect(await fingerprint(dbs)).toEqual(before);
    expect(sent).toBeGreaterThan(2000);
  }, 600_000);
});
