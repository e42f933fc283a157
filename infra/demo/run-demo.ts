import { eventually } from '@ticketyboo/common/testing';
import { ApiSession, DemoError } from './api-session';
import { DEMO_PASSWORD } from './people';
import { planDemo, type DemoPlan, type PlannedListing } from './plan';

export interface DemoOptions {
  /** The marketplace's base URL, e.g. http://localhost:3000. */
  url: string;
  seed: number;
  /** Add demo data even though the marketplace already has listings. */
  force: boolean;
  /** How long to wait for the API to answer before giving up. */
  waitSeconds: number;
  /** Show dates count from this day. */
  today: Date;
  say(line: string): void;
}

export interface DemoAccount {
  id: string;
  email: string;
}

export interface DemoResult {
  sellers: DemoAccount[];
  buyers: DemoAccount[];
  listings: number;
  repriced: number;
  sold: number;
  held: number;
}

interface Ticket {
  id: string;
}
interface Order {
  id: string;
}

/** Fills the marketplace at `url` with the demo, through its public HTTP API as its users would. */
export async function runDemo(opts: DemoOptions): Promise<DemoResult> {
  const firstPage = await waitForApi(opts);
  if (firstPage.length > 0 && !opts.force) {
    throw new DemoError(
      `The marketplace at ${opts.url} already has listings; the demo fills an empty one. ` +
        'Run it with --force to add the demo data anyway.',
    );
  }
  const plan = planDemo(opts.seed, opts.today);
  opts.say(`Creating ${plan.sellers.length} sellers and ${plan.buyers.length} buyers…`);
  const sessions = new Map<string, ApiSession>();
  const account = async (email: string): Promise<DemoAccount> => {
    const session = new ApiSession(opts.url, email);
    sessions.set(email, session);
    return { id: await signUpOrIn(session, email), email };
  };
  const sellers = await sequentially(plan.sellers, account);
  const buyers = await sequentially(plan.buyers, account);
  const as = (email: string) => sessions.get(email)!;

  opts.say(`Listing ${plan.listings.length} tickets…`);
  const tickets = await sequentially(plan.listings, (l) =>
    as(l.seller).call<Ticket>('POST', '/api/tickets', { title: l.title, price: dollars(l.pricesCents[0]!) }, 201),
  );
  const withPlans = plan.listings.map((listing, i) => ({ listing, ticket: tickets[i]! }));
  opts.say('Changing some prices…');
  await sequentially(withPlans, ({ listing, ticket }) => reprice(as(listing.seller), ticket, listing));
  opts.say('Buying some tickets…');
  // One order at a time, each paid at once: no buyer ever has more than its one held order unpaid.
  await sequentially(withPlans, async ({ listing, ticket }) => {
    if (listing.buyer) await buy(as(listing.buyer.email), ticket, listing);
  });
  return { sellers, buyers, ...tally(plan) };
}

/** The first page of listings once the API answers, saying once that it is waiting. */
async function waitForApi(opts: DemoOptions): Promise<unknown[]> {
  const probe = async (): Promise<unknown[] | undefined> => {
    try {
      const res = await fetch(new URL('/api/tickets?limit=1', opts.url));
      const body: unknown = res.ok ? await res.json() : undefined;
      return Array.isArray(body) ? body : undefined;
    } catch {
      return undefined; // not listening yet, or not the marketplace's answer
    }
  };
  const now = await probe();
  if (now) return now;
  opts.say(`Waiting for the marketplace at ${opts.url} to answer (start it with \`npm start\` in another terminal)…`);
  try {
    return await eventually(probe, opts.waitSeconds * 1000, 1000);
  } catch {
    throw new DemoError(
      `No answer from the marketplace at ${opts.url} after ${opts.waitSeconds} s. ` +
        'Start it with `npm start` (or `npm run start:services`), or point the demo at it with --url.',
    );
  }
}

/** Signs up, or signs in when the account exists from an earlier run; returns the user's id. */
async function signUpOrIn(session: ApiSession, email: string): Promise<string> {
  const credentials = { email, password: DEMO_PASSWORD };
  const signUp = await session.request<DemoAccount>('POST', '/api/users/signup', credentials, [201, 409]);
  if (signUp.status === 201) return signUp.body.id;
  return (await session.call<DemoAccount>('POST', '/api/users/signin', credentials, 200)).id;
}

async function reprice(seller: ApiSession, ticket: Ticket, listing: PlannedListing): Promise<void> {
  for (const cents of listing.pricesCents.slice(1)) {
    await seller.call('PUT', `/api/tickets/${ticket.id}`, { title: listing.title, price: dollars(cents) }, 200);
  }
}

async function buy(buyer: ApiSession, ticket: Ticket, listing: PlannedListing): Promise<void> {
  const price = dollars(listing.pricesCents[listing.pricesCents.length - 1]!);
  const order = await buyer.call<Order>('POST', '/api/orders', { ticketId: ticket.id, price }, 201);
  if (listing.buyer?.pays) await buyer.call('POST', '/api/payments', { orderId: order.id, token: 'tok_visa' }, 201);
}

function tally(plan: DemoPlan): Pick<DemoResult, 'listings' | 'repriced' | 'sold' | 'held'> {
  const { listings } = plan;
  return {
    listings: listings.length,
    repriced: listings.filter((l) => l.pricesCents.length > 1).length,
    sold: listings.filter((l) => l.buyer?.pays === true).length,
    held: listings.filter((l) => l.buyer?.pays === false).length,
  };
}

/** In order, one at a time: the listings then appear in the plan's order, the same on every run. */
async function sequentially<T, R>(items: readonly T[], fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (const item of items) out.push(await fn(item));
  return out;
}

const dollars = (cents: number): number => cents / 100;
