import type { Queryable } from '@ticketyboo/common';
import { sourcesOf, type Order, type OrderStatus } from './order';

interface OrderRow {
  [key: string]: unknown;
  id: string;
  seq: string;
  user_id: string;
  ticket_id: string;
  status: OrderStatus;
  expires_at: Date;
  version: number;
  ticket_title: string;
  price_cents: string;
}

const COLUMNS = 'id, seq, user_id, ticket_id, status, expires_at, version, ticket_title, price_cents';

function toOrder(r: OrderRow): Order {
  return {
    id: r.id,
    seq: r.seq,
    userId: r.user_id,
    status: r.status,
    expiresAt: r.expires_at,
    version: r.version,
    ticket: { id: r.ticket_id, title: r.ticket_title, priceCents: Number(r.price_cents) },
  };
}

export const ONE_HOLDER_PER_TICKET = 'orders_one_holder_per_ticket';

// The two-key advisory lock space is apart from migrations' one-key lock; this key names buyers' locks.
const BUYER_LOCKS = 1;

export class OrderRepository {
  /** Fails with a unique violation on ONE_HOLDER_PER_TICKET when another order holds the ticket. */
  async insert(
    q: Queryable,
    o: { id: string; userId: string; ticket: { id: string; title: string; priceCents: number }; lockSeconds: number },
  ): Promise<Order> {
    const { rows } = await q.query<OrderRow>(
      `INSERT INTO orders (id, user_id, ticket_id, status, expires_at, ticket_title, price_cents)
       VALUES ($1, $2, $3, 'created', now() + make_interval(secs => $4), $5, $6)
       RETURNING ${COLUMNS}`,
      [o.id, o.userId, o.ticket.id, o.lockSeconds, o.ticket.title, o.ticket.priceCents],
    );
    return toOrder(rows[0]!);
  }

  async findById(q: Queryable, id: string): Promise<Order | undefined> {
    const { rows } = await q.query<OrderRow>(`SELECT ${COLUMNS} FROM orders WHERE id = $1`, [id]);
    return rows[0] && toOrder(rows[0]);
  }

  /**
   * Takes the buyer's advisory lock until the transaction ends, then counts the buyer's unpaid
   * orders still holding a ticket. Another placement by the same buyer waits on the lock and
   * counts after this one commits, so a cap checked here cannot be raced past.
   */
  async lockBuyerAndCountUnpaid(q: Queryable, userId: string): Promise<number> {
    await q.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [BUYER_LOCKS, userId]);
    const { rows } = await q.query<{ n: string }>(
      `SELECT count(*) AS n FROM orders WHERE user_id = $1 AND status = 'created' AND expires_at > now()`,
      [userId],
    );
    return Number(rows[0]!.n);
  }

  async countActiveLocks(q: Queryable): Promise<number> {
    const { rows } = await q.query<{ n: string }>(`SELECT count(*) AS n FROM orders WHERE status = 'created' AND expires_at > now()`);
    return Number(rows[0]?.n ?? 0);
  }

  async listByUser(q: Queryable, userId: string): Promise<Order[]> {
    const { rows } = await q.query<OrderRow>(`SELECT ${COLUMNS} FROM orders WHERE user_id = $1 ORDER BY seq DESC`, [userId]);
    return rows.map(toOrder);
  }

  /**
   * Moves an order to `to` only from a status the transition table allows, in one statement;
   * undefined when the order was not in such a status (or does not exist).
   */
  async transition(q: Queryable, id: string, to: OrderStatus): Promise<Order | undefined> {
    const { rows } = await q.query<OrderRow>(
      `UPDATE orders SET status = $2, version = version + 1
       WHERE id = $1 AND status = ANY($3::text[]) RETURNING ${COLUMNS}`,
      [id, to, sourcesOf(to)],
    );
    return rows[0] && toOrder(rows[0]);
  }

  /** Cancels the ticket's unpaid order whose time is up, whether or not its expiry event has come. */
  async cancelOverdue(q: Queryable, ticketId: string): Promise<Order[]> {
    const { rows } = await q.query<OrderRow>(
      `UPDATE orders SET status = 'cancelled', version = version + 1
       WHERE ticket_id = $1 AND status = 'created' AND expires_at <= now() RETURNING ${COLUMNS}`,
      [ticketId],
    );
    return rows.map(toOrder);
  }
}
