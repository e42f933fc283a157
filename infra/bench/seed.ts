import { randomUUID } from 'node:crypto';
import { SessionTokens } from '@ticketyboo/common';
import { eventually } from '@ticketyboo/common/testing';
import type { SystemUnderTest } from './systems';

export interface Listing {
  id: string;
  priceCents: number;
}

/** Runs `fn` over `items` with at most `concurrency` at a time, keeping their order in the result. */
export async function inParallel<T, R>(items: readonly T[], concurrency: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return out;
}

async function expectStatus(res: Response, status: number, what: string): Promise<Response> {
  if (res.status !== status) throw new Error(`${what}: ${res.status} ${await res.text()}`);
  return res;
}

/** Signs a user up through the auth API and returns the session cookie it was given. */
export async function signUp(sut: SystemUnderTest, label: string): Promise<string> {
  const res = await fetch(`${sut.urls.auth}/api/users/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: `${label}-${randomUUID().slice(0, 8)}@bench.example`, password: 'correct horse battery' }),
  });
  await expectStatus(res, 201, 'sign-up');
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith('session='));
  if (!cookie) throw new Error('sign-up set no session cookie');
  return cookie.split(';')[0]!;
}

/**
 * Session cookies signed with the marketplace's key, as auth would issue them: for the crowds
 * (a thousand buyers) whose password hashing would otherwise be most of the setup time.
 */
export function mintSessions(jwtKey: string, n: number): string[] {
  const tokens = new SessionTokens(jwtKey);
  return Array.from({ length: n }, (_, i) => `session=${tokens.sign({ id: randomUUID(), email: `crowd-${i}@bench.example` })}`);
}

/** Lists `n` tickets through the tickets API. */
export function listTickets(sut: SystemUnderTest, sellerCookie: string, n: number, label: string): Promise<Listing[]> {
  return inParallel(
    Array.from({ length: n }, (_, i) => i),
    32,
    async (i) => {
      const priceCents = 1000 + (i % 9000);
      const res = await fetch(`${sut.urls.tickets}/api/tickets`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie: sellerCookie },
        body: JSON.stringify({ title: `${label} ${i}`, price: priceCents / 100 }),
      });
      const ticket = (await (await expectStatus(res, 201, 'listing')).json()) as { id: string };
      return { id: ticket.id, priceCents };
    },
  );
}

/**
 * Waits until orders' replica knows every listing, so that placing orders measures placing them,
 * not the replica catching up. On the embedded runtime (no database to look into) a probe order
 * on the last listing stands in: the in-process bus delivers in order.
 */
export async function waitForOrdersReplica(sut: SystemUnderTest, listings: Listing[], probeCookie: string): Promise<Listing[]> {
  if (sut.database) {
    const db = sut.database('orders');
    await db.connect();
    const ids = listings.map((l) => l.id);
    await eventually(async () => {
      const { rows } = await db.query<{ n: string }>('SELECT count(*) AS n FROM tickets WHERE id = ANY($1::uuid[])', [ids]);
      return Number(rows[0]!.n) === ids.length ? true : undefined;
    }, 120_000);
    await db.end();
    return listings;
  }
  const probe = listings[listings.length - 1]!;
  await eventually(async () => {
    const res = await fetch(`${sut.urls.orders}/api/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: probeCookie },
      body: JSON.stringify({ ticketId: probe.id }),
    });
    return res.status === 201 ? true : undefined;
  }, 120_000);
  return listings.slice(0, -1);
}

/** `n` available listings written straight into the tickets database (browsing needs only them there). */
export async function bulkList(sut: SystemUnderTest, n: number): Promise<void> {
  if (!sut.database) throw new Error('bulk listing needs the database');
  const db = sut.database('tickets');
  await db.connect();
  await db.query(
    `INSERT INTO tickets (id, title, price_cents, user_id)
     SELECT gen_random_uuid(), 'Browse ' || i, 1000 + i % 9000, $1 FROM generate_series(1, $2) AS i`,
    [randomUUID(), n],
  );
  await db.query('ANALYZE tickets');
  await db.end();
}
