import type { Queryable } from '@ticketyboo/common';

export interface ReplicaTicket {
  id: string;
  title: string;
  priceCents: number;
  userId: string;
  version: number;
}

interface Row {
  [key: string]: unknown;
  id: string;
  title: string;
  price_cents: string;
  user_id: string;
  version: number;
}

function toTicket(r: Row): ReplicaTicket {
  return { id: r.id, title: r.title, priceCents: Number(r.price_cents), userId: r.user_id, version: r.version };
}

export class TicketReplicaRepository {
  async find(q: Queryable, id: string, opts: { forUpdate?: boolean } = {}): Promise<ReplicaTicket | undefined> {
    const { rows } = await q.query<Row>(
      `SELECT id, title, price_cents, user_id, version FROM tickets WHERE id = $1${opts.forUpdate ? ' FOR UPDATE' : ''}`,
      [id],
    );
    return rows[0] && toTicket(rows[0]);
  }

  /**
   * The ticket, and whether an order holds it now (unpaid and unexpired, or paid): in one query, so
   * that a crowd of buyers for a ticket already taken is turned away without a transaction each.
   * Only a refusal is decided here; an order is admitted only by the unique index.
   */
  async findWithHolder(q: Queryable, id: string): Promise<{ ticket: ReplicaTicket; held: boolean } | undefined> {
    const { rows } = await q.query<Row & { held: boolean }>(
      `SELECT id, title, price_cents, user_id, version,
         EXISTS (SELECT 1 FROM orders o WHERE o.ticket_id = t.id AND o.status IN ('created', 'complete')
                 AND (o.status = 'complete' OR o.expires_at > now())) AS held
       FROM tickets t WHERE id = $1`,
      [id],
    );
    return rows[0] && { ticket: toTicket(rows[0]), held: rows[0].held };
  }

  async insert(q: Queryable, t: ReplicaTicket): Promise<void> {
    await q.query(
      `INSERT INTO tickets (id, title, price_cents, user_id, version) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (id) DO NOTHING`,
      [t.id, t.title, t.priceCents, t.userId, t.version],
    );
  }

  async update(q: Queryable, t: ReplicaTicket): Promise<void> {
    await q.query('UPDATE tickets SET title = $2, price_cents = $3, user_id = $4, version = $5 WHERE id = $1', [
      t.id,
      t.title,
      t.priceCents,
      t.userId,
      t.version,
    ]);
  }
}
