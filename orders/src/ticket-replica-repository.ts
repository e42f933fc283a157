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
