import { once } from 'node:events';
import type { Server } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import request from 'supertest';
import { eventually } from '@ticketyboo/common/testing';
import { startTestMarketplace, type TestMarketplace } from '../local/marketplace.test-helpers';
import { DEMO_PASSWORD } from './people';
import { planDemo } from './plan';
import { runDemo, type DemoOptions, type DemoResult } from './run-demo';

const TODAY = new Date('2026-05-01T12:00:00Z');

interface Ticket {
  id: string;
  title: string;
  price: number;
  status: 'available' | 'locked' | 'sold';
}

async function freePort(): Promise<number> {
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

describe('npm run demo on an empty marketplace', () => {
  let market: TestMarketplace | undefined;
  let server: Server | undefined;
  let url: string;
  let result: DemoResult;
  const said: string[] = [];
  const options = (more: Partial<DemoOptions> = {}): DemoOptions => ({
    url,
    seed: 14,
    force: false,
    waitSeconds: 60,
    today: TODAY,
    say: (line) => said.push(line),
    ...more,
  });
  const sellerListings = async (): Promise<Ticket[]> => {
    const pages = await Promise.all(
      result.sellers.map(async (s) => (await request(url).get(`/api/tickets?sellerId=${s.id}&limit=200`).expect(200)).body as Ticket[]),
    );
    return pages.flat();
  };

  beforeAll(async () => {
    market = await startTestMarketplace();
    // The demo starts before the marketplace listens, as when run beside a starting `npm start`.
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    const run = runDemo(options());
    await eventually(() => (said.some((l) => l.startsWith('Waiting for the marketplace')) ? true : undefined));
    server = market.app.listen(port, '127.0.0.1');
    result = await run;
    // Five embedded databases start slowly on a busy two-core machine.
  }, 240_000);
  afterAll(async () => {
    if (server) await new Promise((resolve) => server!.close(resolve));
    await market?.dispose();
  });

  it('waits, saying so, until the marketplace answers', () => {
    expect(said[0]).toBe(`Waiting for the marketplace at ${url} to answer (start it with \`npm start\` in another terminal)…`);
  });

  it('puts believable tickets on sale, from cheap seats to the best', async () => {
    const forSale = await eventually(async () => {
      const page = (await request(url).get('/api/tickets?limit=200').expect(200)).body as Ticket[];
      return page.length === result.listings - result.sold - result.held ? page : undefined;
    }, 10_000);
    expect(result).toMatchObject({ listings: 60, sold: 14, held: 4 });
    for (const t of forSale) expect(t.title).toMatch(/^.+ — .+, (Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{1,2} [A-Z][a-z]{2}, .+$/);
    const prices = forSale.map((t) => t.price);
    expect(Math.min(...prices)).toBeLessThan(30);
    expect(Math.max(...prices)).toBeGreaterThan(500);
  });

  it("shows sold tickets and tickets held by an open order in the sellers' listings", async () => {
    await eventually(async () => {
      const mine = await sellerListings();
      const count = (status: Ticket['status']) => mine.filter((t) => t.status === status).length;
      return count('sold') === result.sold && count('locked') === result.held ? true : undefined;
    }, 10_000);
  });

  it('gives some listings a price history of more than one price', async () => {
    const histories = await Promise.all(
      (await sellerListings()).map(async (t) => (await request(url).get(`/api/tickets/${t.id}/prices`).expect(200)).body as unknown[]),
    );
    expect(histories.filter((h) => h.length > 1)).toHaveLength(result.repriced);
    expect(result.repriced).toBeGreaterThanOrEqual(10);
  });

  it('lets a newcomer sign in as a demo buyer and see the orders they paid for', async () => {
    const buyer = request.agent(url);
    await buyer.post('/api/users/signin').send({ email: result.buyers[0]!.email, password: DEMO_PASSWORD }).expect(200);
    const orders = (await buyer.get('/api/orders').expect(200)).body as { status: string }[];
    expect(orders.filter((o) => o.status === 'complete').length).toBeGreaterThan(0);
    await request(url).post('/api/users/signin').send({ email: result.sellers[0]!.email, password: DEMO_PASSWORD }).expect(200);
  });

  it('refuses to run again without --force and creates nothing', async () => {
    const before = (await sellerListings()).length;
    await expect(runDemo(options())).rejects.toThrow(
      `The marketplace at ${url} already has listings; the demo fills an empty one. Run it with --force to add the demo data anyway.`,
    );
    expect(await sellerListings()).toHaveLength(before);
  });
});

describe('the demo plan', () => {
  it('is the same for the same seed and day, and another for another seed', () => {
    expect(planDemo(14, TODAY)).toEqual(planDemo(14, TODAY));
    expect(planDemo(15, TODAY).listings.map((l) => l.title)).not.toEqual(planDemo(14, TODAY).listings.map((l) => l.title));
  });

  it('spreads listings over the sellers and keeps each buyer to one unpaid order', () => {
    const { listings, sellers, buyers } = planDemo(14, TODAY);
    for (const seller of sellers) expect(listings.filter((l) => l.seller === seller).length).toBeLessThanOrEqual(8);
    for (const buyer of buyers) expect(listings.filter((l) => l.buyer?.email === buyer && !l.buyer.pays).length).toBeLessThanOrEqual(1);
  });
});
