import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually, spawnEntry, type RunningProcess } from '@ticketyboo/common/testing';

interface Reply {
  status: number;
  body: Record<string, unknown>;
  cookie?: string;
}

/** The mission, as a newcomer's `npm start` serves it: list, buy, lock, pay or not. */
describe('npm start: a whole sale', () => {
  let dataDir: string;
  let app: RunningProcess;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'ticketyboo-sale-'));
    app = await spawnEntry('infra/local/standalone.ts', { DATA_DIR: dataDir, JWT_KEY: '', ORDER_EXPIRATION_SECONDS: '2' });
  }, 180_000);
  afterAll(async () => {
    expect(await app.stop()).toBe(0);
    await rm(dataDir, { recursive: true, force: true });
  });

  async function call(method: string, path: string, cookie?: string, body?: object): Promise<Reply> {
    const res = await fetch(app.base + path, {
      method,
      headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const setCookie = res.headers.getSetCookie()[0]?.split(';')[0];
    return { status: res.status, body: (await res.json()) as Record<string, unknown>, ...(setCookie ? { cookie: setCookie } : {}) };
  }
  const signUp = async (email: string) => (await call('POST', '/api/users/signup', undefined, { email, password: 'a long password' })).cookie!;
  const ticketStatus = async (id: string) => (await call('GET', `/api/tickets/${id}`)).body.status;
  const until = (check: () => Promise<boolean>, ms = 5000) => eventually(async () => ((await check()) ? true : undefined), ms);

  it('list → buy → locked → pay with tok_visa → complete and sold; decline → unlocked; no payment → unlocked after the lock', async () => {
    const seller = await signUp('seller@example.com');
    const buyer = await signUp('buyer@example.com');
    const list = async (title: string) => (await call('POST', '/api/tickets', seller, { title, price: 45 })).body.id as string;
    const [paid, declined, abandoned] = [await list('Paid'), await list('Declined'), await list('Abandoned')];
    const orderFor = async (ticketId: string) => {
      const res = await call('POST', '/api/orders', buyer, { ticketId, price: 45 });
      expect(res.status).toBe(201);
      await until(async () => (await ticketStatus(ticketId)) === 'locked', 1000);
      return res.body.id as string;
    };

    const first = await orderFor(paid);
    expect((await call('POST', '/api/payments', buyer, { orderId: first, token: 'tok_visa' })).status).toBe(201);
    await until(async () => (await call('GET', `/api/orders/${first}`, buyer)).body.status === 'complete');
    await until(async () => (await ticketStatus(paid)) === 'sold');

    const second = await orderFor(declined);
    const decline = await call('POST', '/api/payments', buyer, { orderId: second, token: 'tok_chargeDeclined' });
    expect(decline).toMatchObject({ status: 402, body: { errors: [{ message: 'Your card was declined.' }] } });
    await until(async () => (await ticketStatus(declined)) === 'available', 1000);

    const third = await orderFor(abandoned);
    const expiresAt = Date.parse((await call('GET', `/api/orders/${third}`, buyer)).body.expiresAt as string);
    await until(async () => (await ticketStatus(abandoned)) === 'available');
    expect(Date.now() - expiresAt).toBeLessThan(1500);
    expect((await call('GET', `/api/orders/${third}`, buyer)).body.status).toBe('cancelled');

    // Past every lock's end, the sale stands.
    expect(await ticketStatus(paid)).toBe('sold');
  }, 180_000);
});
