import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import pg from 'pg';
import { NATS_TEST_URL } from '@ticketyboo/common/testing';
import { BACKEND_SERVICES } from '../services/topology';

const POSTGRES_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface Names {
  databasePrefix: string;
  stream: string;
}

async function withDb<T>(names: Names, service: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${names.databasePrefix}_${service}`;
  const c = new pg.Client({ connectionString: url.toString() });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** Whether the system has come to rest: no order waiting to expire, every outbox sent, every consumer caught up. */
export async function settled(names: Names): Promise<{ ok: boolean; why: string[] }> {
  const why: string[] = [];
  const live = await withDb(names, 'orders', async (c) => (await c.query<{ n: string }>(`SELECT count(*) AS n FROM orders WHERE status = 'created'`)).rows[0]!.n);
  if (live !== '0') why.push(`${live} orders still created`);
  for (const { name } of BACKEND_SERVICES) {
    const n = await withDb(names, name, async (c) => (await c.query<{ n: string }>('SELECT count(*) AS n FROM outbox')).rows[0]!.n);
    if (n !== '0') why.push(`${name} outbox holds ${n}`);
  }
  const nc = await connect({ servers: NATS_TEST_URL });
  try {
    const jsm = await jetstreamManager(nc);
    for await (const ci of jsm.consumers.list(names.stream)) {
      if (ci.name.startsWith('test-')) continue;
      if (ci.num_pending > 0 || ci.num_ack_pending > 0) why.push(`${ci.name}: ${ci.num_pending} pending, ${ci.num_ack_pending} unacked`);
    }
  } finally {
    await nc.close();
  }
  return { ok: why.length === 0, why };
}

export interface Breaches {
  checks: number;
  breaches: string[];
  counts: { orders: number; complete: number; cancelled: number; charges: number; refunded: number; tickets: number; sold: number };
}

/** The promises, checked across every service's own database. */
export async function checkInvariants(names: Names, expiryGraceSeconds: number): Promise<Breaches> {
  const breaches: string[] = [];
  let checks = 0;
  const check = (ok: boolean, breach: string) => {
    checks++;
    if (!ok) breaches.push(breach);
  };

  const orders = await withDb(names, 'orders', async (c) =>
    (
      await c.query<{ id: string; ticket_id: string; status: string; overdue: boolean }>(
        `SELECT id, ticket_id, status, expires_at < now() - make_interval(secs => $1) AS overdue FROM orders`,
        [expiryGraceSeconds],
      )
    ).rows,
  );
  const charges = await withDb(names, 'payments', async (c) =>
    (await c.query<{ order_id: string; status: string }>('SELECT order_id, status FROM charges')).rows,
  );
  const tickets = await withDb(names, 'tickets', async (c) =>
    (await c.query<{ id: string; status: string; order_id: string | null }>('SELECT id, status, order_id FROM tickets')).rows,
  );

  const completeByTicket = new Map<string, string[]>();
  for (const o of orders) {
    check(!(o.status === 'created' && o.overdue), `order ${o.id} is still created past its expiry`);
    check(o.status === 'complete' || o.status === 'cancelled', `order ${o.id} ended ${o.status}`);
    if (o.status === 'complete') completeByTicket.set(o.ticket_id, [...(completeByTicket.get(o.ticket_id) ?? []), o.id]);
  }
  const orderStatus = new Map(orders.map((o) => [o.id, o.status]));
  const chargeOf = new Map(charges.map((ch) => [ch.order_id, ch.status]));
  for (const [ticketId, ids] of completeByTicket) check(ids.length === 1, `ticket ${ticketId} sold ${ids.length} times: ${ids.join(', ')}`);
  for (const ch of charges) {
    if (ch.status === 'succeeded') check(orderStatus.get(ch.order_id) === 'complete', `succeeded charge for order ${ch.order_id}, which is ${orderStatus.get(ch.order_id)}`);
  }
  for (const o of orders) {
    if (o.status === 'complete') check(chargeOf.get(o.id) === 'succeeded', `complete order ${o.id} has charge ${chargeOf.get(o.id)}`);
  }
  for (const t of tickets) {
    const sold = completeByTicket.get(t.id)?.[0];
    if (sold) check(t.status === 'sold' && t.order_id === sold, `ticket ${t.id} is ${t.status}/${t.order_id}, but order ${sold} bought it`);
    else check(t.status === 'available' && t.order_id === null, `ticket ${t.id} is ${t.status}/${t.order_id} with no live or paid order`);
  }
  return {
    checks,
    breaches,
    counts: {
      orders: orders.length,
      complete: orders.filter((o) => o.status === 'complete').length,
      cancelled: orders.filter((o) => o.status === 'cancelled').length,
      charges: charges.length,
      refunded: charges.filter((c) => c.status === 'refunded').length,
      tickets: tickets.length,
      sold: tickets.filter((t) => t.status === 'sold').length,
    },
  };
}
