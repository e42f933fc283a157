import type { Queryable } from '@ticketyboo/common';
import type { PendingExpiry } from './expiry';

interface ExpiryRow {
  [key: string]: unknown;
  order_id: string;
  version: number;
  expires_at: Date;
}

function toExpiry(r: ExpiryRow): PendingExpiry {
  return { orderId: r.order_id, version: r.version, expiresAt: r.expires_at };
}

export class ExpiryRepository {
  /** False when the order already has a pending expiry: a redelivered order.created. */
  async insert(q: Queryable, e: PendingExpiry): Promise<boolean> {
    const { rowCount } = await q.query(
      `INSERT INTO expirations (order_id, version, expires_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
      [e.orderId, e.version, e.expiresAt],
    );
    return rowCount > 0;
  }

  /**
   * Removes the order's pending expiry and returns it. Only whoever gets the row back goes on to
   * expire the order: concurrent fires (two replicas, a job and the sweeper) wait on the row lock
   * and then find nothing.
   */
  async take(q: Queryable, orderId: string): Promise<PendingExpiry | undefined> {
    const { rows } = await q.query<ExpiryRow>(
      'DELETE FROM expirations WHERE order_id = $1 RETURNING order_id, version, expires_at',
      [orderId],
    );
    return rows[0] && toExpiry(rows[0]);
  }

  /** Takes up to `limit` expiries due more than `graceMs` ago; rows another sweeper holds are skipped. */
  async takeOverdue(q: Queryable, graceMs: number, limit: number): Promise<PendingExpiry[]> {
    const { rows } = await q.query<ExpiryRow>(
      `DELETE FROM expirations WHERE order_id IN (
         SELECT order_id FROM expirations
         WHERE expires_at < now() - $1::integer * interval '1 millisecond'
         ORDER BY expires_at LIMIT $2 FOR UPDATE SKIP LOCKED)
       RETURNING order_id, version, expires_at`,
      [graceMs, limit],
    );
    return rows.map(toExpiry);
  }

  /** Pending expiries in due order, a page at a time (keyset, so a large backlog costs no offset scans). */
  async listPending(q: Queryable, limit: number, after?: PendingExpiry): Promise<PendingExpiry[]> {
    const { rows } = after
      ? await q.query<ExpiryRow>(
          `SELECT order_id, version, expires_at FROM expirations
           WHERE (expires_at, order_id) > ($1, $2) ORDER BY expires_at, order_id LIMIT $3`,
          [after.expiresAt, after.orderId, limit],
        )
      : await q.query<ExpiryRow>(
          'SELECT order_id, version, expires_at FROM expirations ORDER BY expires_at, order_id LIMIT $1',
          [limit],
        );
    return rows.map(toExpiry);
  }

  /**
   * Records the orders as closed and returns those that were not already: the primary key makes
   * a concurrent closer of the same order wait for this transaction, then find it closed.
   */
  async markClosed(q: Queryable, orderIds: readonly string[]): Promise<string[]> {
    if (orderIds.length === 0) return [];
    const { rows } = await q.query<{ order_id: string }>(
      `INSERT INTO closed_orders (order_id) SELECT unnest($1::uuid[])
       ON CONFLICT DO NOTHING RETURNING order_id`,
      [orderIds],
    );
    return rows.map((r) => r.order_id);
  }

  async isClosed(q: Queryable, orderId: string): Promise<boolean> {
    const { rowCount } = await q.query('SELECT 1 FROM closed_orders WHERE order_id = $1', [orderId]);
    return rowCount > 0;
  }
}
