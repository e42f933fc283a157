import { performance } from 'node:perf_hooks';
import { createLogger, subscribe, type Consumer, type EventBus } from '@ticketyboo/common';
import { runLoad } from './load';
import { count5xx, type LoadResult } from './load-spec';
import { eventually } from '@ticketyboo/common/testing';
import type { Listing } from './seed';
import { apiUrls, type SystemUnderTest } from './systems';

export interface Percentiles {
  samples: number;
  p50: number;
  p99: number;
  max: number;
}

export function percentiles(values: readonly number[]): Percentiles {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? NaN;
  return { samples: sorted.length, p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1] ?? NaN };
}

const orderBody = (l: Listing) => JSON.stringify({ ticketId: l.id, price: l.priceCents / 100 });

/** 3: signed-in buyers each ordering a different available ticket, as fast as the connections allow. */
export function placeOrders(sut: SystemUnderTest, buyers: string[], listings: Listing[], connections: number): Promise<LoadResult> {
  return runLoad({
    url: apiUrls(sut, 'orders'),
    method: 'POST',
    connections,
    amount: listings.length,
    cookies: buyers,
    bodies: listings.map(orderBody),
  });
}

export interface HotTicketResult {
  buyers: number;
  winners: number;
  refused: number;
  serverErrors: number;
  /** Buyers who got no answer at all (connection error or timeout). */
  unanswered: number;
  wallMs: number;
  latencyMs: LoadResult['latencyMs'];
  cpu?: Record<string, number>;
}

/** 4: every buyer of the crowd orders the same ticket at the same moment. */
export async function hotTicket(sut: SystemUnderTest, crowd: string[], listing: Listing): Promise<HotTicketResult> {
  const r = await runLoad({
    url: apiUrls(sut, 'orders'),
    method: 'POST',
    connections: crowd.length,
    amount: crowd.length,
    cookies: crowd,
    bodies: [orderBody(listing)],
  });
  return {
    buyers: crowd.length,
    winners: r.byStatus['201'] ?? 0,
    refused: r.byStatus['409'] ?? 0,
    serverErrors: count5xx(r),
    unanswered: crowd.length - r.requests,
    wallMs: r.wallMs,
    latencyMs: r.latencyMs,
    ...(r.cpu ? { cpu: r.cpu } : {}),
  };
}

/** 6: from an order's 201 until GET /api/tickets/:id shows the ticket locked, one order at a time. */
export async function propagation(sut: SystemUnderTest, buyers: string[], listings: Listing[]): Promise<Percentiles> {
  const delays: number[] = [];
  for (const [i, listing] of listings.entries()) {
    const res = await fetch(`${sut.urls.orders}/api/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: buyers[i % buyers.length]! },
      body: orderBody(listing),
    });
    if (res.status !== 201) throw new Error(`order for propagation: ${res.status} ${await res.text()}`);
    const placed = performance.now();
    await eventually(
      async () => {
        const t = (await (await fetch(`${sut.urls.tickets}/api/tickets/${listing.id}`)).json()) as { status: string };
        return t.status === 'locked' ? true : undefined;
      },
      10_000,
      1,
    );
    delays.push(performance.now() - placed);
  }
  return percentiles(delays);
}

/**
 * Records when the tickets service freed each ticket: the `occurredAt` of its ticket.updated to
 * available, stamped in the transaction that unlocked it (so a slow reader here adds nothing).
 */
export class UnlockWatcher {
  readonly unlockedAt = new Map<string, number>();
  /** By order: when expiration fired (its order.expired), the first of the three hops to the unlock. */
  readonly firedAt = new Map<string, number>();
  private consumers: Consumer[] = [];

  async start(bus: EventBus): Promise<void> {
    const log = createLogger('bench');
    this.consumers.push(
      await subscribe(bus, log, {
        durable: 'bench-unlocks',
        subject: 'ticket.updated',
        concurrency: 8,
        handler: async (e) => {
          if (e.data.status === 'available' && e.data.version > 0) this.unlockedAt.set(e.data.id, Date.parse(e.occurredAt));
        },
      }),
      await subscribe(bus, log, {
        durable: 'bench-expiries',
        subject: 'order.expired',
        concurrency: 8,
        handler: async (e) => void this.firedAt.set(e.data.id, Date.parse(e.occurredAt)),
      }),
    );
  }

  async stop(): Promise<void> {
    await Promise.all(this.consumers.map((c) => c.stop()));
  }
}

export interface ExpiryResult extends Percentiles {
  /** Lateness of expiration's firing alone (order.expired), before orders and tickets act on it. */
  fired: Percentiles;
  /** Locks still held at the deadline. */
  stillLocked: number;
  /** Seconds from the first lock's expiresAt to the last one's. */
  spreadSeconds: number;
}

/** 7: how late after `expiresAt` each lock of the placement phase was freed. */
export async function expiryLateness(sut: SystemUnderTest, watcher: UnlockWatcher, listings: Listing[], lockSeconds: number): Promise<ExpiryResult> {
  if (!sut.database) throw new Error('expiry lateness needs the orders database');
  const db = sut.database('orders');
  await db.connect();
  const { rows } = await db.query<{ id: string; ticket_id: string; expires_at: Date }>(
    `SELECT id, ticket_id, expires_at FROM orders WHERE ticket_id = ANY($1::uuid[]) AND status <> 'complete'`,
    [listings.map((l) => l.id)],
  );
  await db.end();
  const first = Math.min(...rows.map((r) => r.expires_at.getTime()));
  const last = Math.max(...rows.map((r) => r.expires_at.getTime()));
  // Every lock is given its expiry plus a generous margin; a lock still held then counts as a failure.
  const deadline = last + 30_000 + lockSeconds * 1000;
  await eventually(
    () => (rows.every((r) => watcher.unlockedAt.has(r.ticket_id)) ? true : undefined),
    Math.max(0, deadline - Date.now()),
  ).catch(() => undefined);
  const lateness = rows.flatMap((r) => {
    const at = watcher.unlockedAt.get(r.ticket_id);
    return at === undefined ? [] : [at - r.expires_at.getTime()];
  });
  const fired = rows.flatMap((r) => {
    const at = watcher.firedAt.get(r.id);
    return at === undefined ? [] : [at - r.expires_at.getTime()];
  });
  return { ...percentiles(lateness), fired: percentiles(fired), stillLocked: rows.length - lateness.length, spreadSeconds: Math.round((last - first) / 1000) };
}

export interface BrowseResult {
  first: LoadResult;
  deep: LoadResult;
}

/** 5: the first page of available tickets, and a page 90% of the way down the list. */
export async function browse(sut: SystemUnderTest, connections: number, seconds: number): Promise<BrowseResult> {
  if (!sut.database) throw new Error('browsing needs the tickets database');
  const db = sut.database('tickets');
  await db.connect();
  const { rows } = await db.query<{ seq: string }>(
    `SELECT seq FROM tickets WHERE status = 'available' ORDER BY seq DESC
     OFFSET (SELECT count(*) * 9 / 10 FROM tickets WHERE status = 'available') LIMIT 1`,
  );
  await db.end();
  const cursor = Buffer.from(rows[0]!.seq).toString('base64url');
  const bases = apiUrls(sut, 'tickets');
  const first = await runLoad({ url: bases, connections, duration: seconds });
  const deep = await runLoad({ url: bases.map((b) => `${b}?cursor=${cursor}`), connections, duration: seconds });
  return { first, deep };
}
