import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually, spawnEntry } from '@ticketyboo/common/testing';
import { Api, type TicketJson } from './api.test-helpers';
import { startTopology } from './topology.test-helpers';

interface Runtime {
  base: string;
  stop(): Promise<number | null>;
}

async function npmStart(): Promise<Runtime> {
  const dataDir = await mkdtemp(join(tmpdir(), 'ticketyboo-'));
  const app = await spawnEntry('infra/local/standalone.ts', { DATA_DIR: dataDir, JWT_KEY: '' });
  return {
    base: app.base,
    stop: async () => {
      const code = await app.stop();
      await rm(dataDir, { recursive: true, force: true });
      return code;
    },
  };
}

async function startServices(): Promise<Runtime> {
  const topology = await startTopology(['--replicas', 'orders=2,tickets=2']);
  return {
    base: topology.base,
    stop: async () => {
      const { code } = await topology.stop();
      await topology.dispose();
      return code;
    },
  };
}

// The same journeys through the public API, whichever way the marketplace runs.
describe.each([
  ['npm start (one process)', npmStart],
  ['npm run start:services --replicas orders=2,tickets=2', startServices],
])('%s', (_name, start) => {
  let runtime: Runtime;
  let api: Api;
  beforeAll(async () => {
    runtime = await start();
    api = new Api(runtime.base);
  }, 120_000);
  afterAll(async () => {
    expect(await runtime.stop()).toBe(0);
  }, 30_000);

  it('auth: signs up, knows the current user, signs out and in, refuses a second signup', async () => {
    expect(await api.call('GET', '/api/users/currentuser')).toMatchObject({ status: 200, body: { currentUser: null } });
    const credentials = { email: `journey-${Date.now()}@example.com`, password: 'a long password' };
    const signup = await api.call<{ id: string }>('POST', '/api/users/signup', { body: credentials });
    expect(signup.status).toBe(201);
    const me = await api.call('GET', '/api/users/currentuser', { cookie: signup.cookie! });
    expect(me.body).toEqual({ currentUser: signup.body });
    expect(await api.call('POST', '/api/users/signout')).toMatchObject({ status: 200, body: {} });
    expect(await api.call('POST', '/api/users/signin', { body: credentials })).toMatchObject({ status: 200, body: signup.body });
    expect((await api.call('POST', '/api/users/signup', { body: credentials })).status).toBe(409);
  });

  it('tickets: a seller lists one, everyone sees it, only the seller edits it', async () => {
    const seller = await api.signUp('seller');
    const listed = await api.list(seller, 'Glastonbury Friday', 120.5);
    expect(listed).toMatchObject({ title: 'Glastonbury Friday', price: 120.5, status: 'available' });
    const mine = await api.call<TicketJson[]>('GET', `/api/tickets?sellerId=${seller.id}`);
    expect(mine.body).toEqual([listed]);
    const edited = await api.call('PUT', `/api/tickets/${listed.id}`, { cookie: seller.cookie, body: { title: 'Glastonbury Friday', price: 99 } });
    expect(edited).toMatchObject({ status: 200, body: { price: 99, version: 1 } });
    const other = await api.signUp('other');
    const refused = await api.call('PUT', `/api/tickets/${listed.id}`, { cookie: other.cookie, body: { title: 'Mine now', price: 1 } });
    expect(refused.status).toBe(403);
    const prices = await api.call<{ price: number }[]>('GET', `/api/tickets/${listed.id}/prices`);
    expect(prices.body.map((p) => p.price)).toEqual([120.5, 99]);
    expect((await api.call('POST', '/api/tickets', { body: {} })).status).toBe(401);
  });

  it('a sale: order locks the ticket, tok_visa pays it, the order completes and the ticket is sold', async () => {
    const seller = await api.signUp('seller');
    const buyer = await api.signUp('buyer');
    const ticket = await api.list(seller, 'Proms night', 45);
    const order = await api.order(buyer, ticket.id);
    expect(order).toMatchObject({ status: 201, body: { status: 'created', ticket: { id: ticket.id, price: 45 } } });
    const rival = await api.signUp('rival');
    expect((await api.order(rival, ticket.id)).status).toBe(409);
    await eventually(async () => ((await api.ticket(ticket.id)).status === 'locked' ? true : undefined), 10_000);

    const payment = await api.pay(buyer, order.body.id);
    expect(payment).toMatchObject({ status: 201, body: { status: 'succeeded' } });
    await eventually(async () => ((await api.orders(buyer)).find((o) => o.id === order.body.id)?.status === 'complete' ? true : undefined), 10_000);
    const sold = await eventually(async () => {
      const t = await api.ticket(ticket.id);
      return t.status === 'sold' ? t : undefined;
    }, 10_000);
    expect(sold.orderId).toBe(order.body.id);
  });

  it('a cancel: the buyer cancels, the ticket is available again', async () => {
    const seller = await api.signUp('seller');
    const buyer = await api.signUp('buyer');
    const ticket = await api.list(seller);
    const order = await api.order(buyer, ticket.id);
    expect(order.status).toBe(201);
    const cancelled = await api.call('DELETE', `/api/orders/${order.body.id}`, { cookie: buyer.cookie });
    expect(cancelled).toMatchObject({ status: 200, body: { status: 'cancelled' } });
    await eventually(async () => ((await api.ticket(ticket.id)).status === 'available' ? true : undefined), 10_000);
  });
});
