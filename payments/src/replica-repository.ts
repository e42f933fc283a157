import type { Queryable } from '@ticketyboo/common';

export type OrderStatus = 'created' | 'complete' | 'cancelled';

export interface ReplicaOrder {
  id: string;
  userId: string;
  status: OrderStatus;
  priceCents: number;
  expiresAt: Date;
  version: number;
}

interface OrderRow {
  [key: string]: unknown;
  id: string;
  user_id: string;
  status: OrderStatus;
  price_cents: string;
  expires_at: Date;
  version: number;
}

function toOrder(r: OrderRow): ReplicaOrder {
  return {
    id: r.id,
    userId: r.user_id,
    status: r.status,
    priceCents: Number(r.price_cents),
    expiresAt: r.expires_at,
    version: r.version,
  };
}

/** Payments' copies of orders (from order.* events) and buyers' emails (from user.* events). */
export class ReplicaRepository {
  async findOrder(q: Queryable, id: string, opts: { forUpdate?: boolean } = {}): Promise<ReplicaOrder | undefined> {
    const { rows } = await q.query<OrderRow>(
      `SELECT id, user_id, status, price_cents, expires_at, version FROM orders WHERE id = $1${opts.forUpdate ? ' FOR UPDATE' : ''}`,
      [id],
    );
    return rows[0] && toOrder(rows[0]);
  }

  async insertOrder(q: Queryable, o: ReplicaOrder): Promise<void> {
    await q.query(
      `INSERT INTO orders (id, user_id, status, price_cents, expires_at, version) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (id) DO NOTHING`,
      [o.id, o.userId, o.status, o.priceCents, o.expiresAt, o.version],
    );
  }

  /** Applies a status only if it comes from a newer version of the order. */
  async setOrderStatus(q: Queryable, id: string, status: OrderStatus, version: number): Promise<boolean> {
    const { rowCount } = await q.query('UPDATE orders SET status = $2, version = $3 WHERE id = $1 AND version < $3', [
      id,
      status,
      version,
    ]);
    return rowCount > 0;
  }

  /**
   * Our own charge completed it. The version stays: orders counts versions, and a cancel it
   * published meanwhile (version + 1) must still apply here, so the payment gets refunded.
   */
  async markComplete(q: Queryable, id: string): Promise<void> {
    await q.query(`UPDATE orders SET status = 'complete' WHERE id = $1 AND status = 'created'`, [id]);
  }

  /** Newest version wins; each user event carries the whole user, so a skipped version loses nothing. */
  async upsertUser(q: Queryable, u: { id: string; email: string; version: number }): Promise<void> {
    await q.query(
      `INSERT INTO users (id, email, version) VALUES ($1, $2, $3)
       ON CONFLICT (id) DO UPDATE SET email = EXCLUDED.email, version = EXCLUDED.version
       WHERE users.version < EXCLUDED.version`,
      [u.id, u.email, u.version],
    );
  }

  async emailOf(q: Queryable, userId: string): Promise<string | undefined> {
    const { rows } = await q.query<{ email: string }>('SELECT email FROM users WHERE id = $1', [userId]);
    return rows[0]?.email;
  }
}
