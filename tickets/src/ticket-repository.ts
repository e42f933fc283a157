import type { Queryable } from '@ticketyboo/common';
import type { Ticket, TicketStatus } from './ticket';

interface TicketRow {
  [key: string]: unknown;
  id: string;
  seq: string;
  title: string;
  price_cents: string;
  user_id: string;
  order_id: string | null;
  status: TicketStatus;
  version: number;
  created_at: Date;
}

const COLUMNS = 'id, seq, title, price_cents, user_id, order_id, status, version, created_at';

function toTicket(r: TicketRow): Ticket {
  return {
    id: r.id,
    seq: r.seq,
    title: r.title,
    priceCents: Number(r.price_cents),
    userId: r.user_id,
    orderId: r.order_id,
    status: r.status,
    version: r.version,
    createdAt: r.created_at,
  };
}

export interface ListQuery {
  limit: number;
  /** Only tickets listed before this one (keyset pagination). */
  beforeSeq?: string | undefined;
  search?: string | undefined;
  /** A seller's tickets in every status; otherwise only available ones. */
  sellerId?: string | undefined;
}

function likePattern(search: string): string {
  return `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export class TicketRepository {
  async insert(q: Queryable, t: { id: string; title: string; priceCents: number; userId: string }): Promise<Ticket> {
    const { rows } = await q.query<TicketRow>(
      `INSERT INTO tickets (id, title, price_cents, user_id) VALUES ($1, $2, $3, $4) RETURNING ${COLUMNS}`,
      [t.id, t.title, t.priceCents, t.userId],
    );
    await this.recordPrice(q, t.id, t.priceCents);
    return toTicket(rows[0]!);
  }

  async findById(q: Queryable, id: string): Promise<Ticket | undefined> {
    const { rows } = await q.query<TicketRow>(`SELECT ${COLUMNS} FROM tickets WHERE id = $1`, [id]);
    return rows[0] && toTicket(rows[0]);
  }

  async list(q: Queryable, query: ListQuery): Promise<Ticket[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const param = (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    };
    if (query.sellerId) where.push(`user_id = ${param(query.sellerId)}`);
    else where.push(`status = 'available'`);
    if (query.beforeSeq) where.push(`seq < ${param(query.beforeSeq)}`);
    if (query.search) where.push(`title ILIKE ${param(likePattern(query.search))}`);
    const { rows } = await q.query<TicketRow>(
      `SELECT ${COLUMNS} FROM tickets WHERE ${where.join(' AND ')} ORDER BY seq DESC LIMIT ${param(query.limit)}`,
      params,
    );
    return rows.map(toTicket);
  }

  /** Edits title and price only while the ticket is available and the caller's: one conditional statement. */
  async updateIfEditable(
    q: Queryable,
    id: string,
    sellerId: string,
    change: { title: string; priceCents: number },
  ): Promise<Ticket | undefined> {
    const { rows } = await q.query<TicketRow>(
      `UPDATE tickets SET title = $3, price_cents = $4, version = version + 1
       WHERE id = $1 AND user_id = $2 AND status = 'available'
       RETURNING ${COLUMNS}`,
      [id, sellerId, change.title, change.priceCents],
    );
    return rows[0] && toTicket(rows[0]);
  }

  async recordPrice(q: Queryable, ticketId: string, priceCents: number): Promise<void> {
    await q.query('INSERT INTO ticket_prices (ticket_id, price_cents) VALUES ($1, $2)', [ticketId, priceCents]);
  }

  /** Called with the ticket row locked by its UPDATE, so concurrent edits record in turn. */
  async recordPriceIfChanged(q: Queryable, ticketId: string, priceCents: number): Promise<void> {
    await q.query(
      `INSERT INTO ticket_prices (ticket_id, price_cents)
       SELECT $1, $2 WHERE $2 IS DISTINCT FROM
         (SELECT price_cents FROM ticket_prices WHERE ticket_id = $1 ORDER BY at DESC LIMIT 1)`,
      [ticketId, priceCents],
    );
  }

  async priceHistory(q: Queryable, ticketId: string): Promise<{ priceCents: number; at: Date }[]> {
    const { rows } = await q.query<{ price_cents: string; at: Date }>(
      'SELECT price_cents, at FROM ticket_prices WHERE ticket_id = $1 ORDER BY at, price_cents',
      [ticketId],
    );
    return rows.map((r) => ({ priceCents: Number(r.price_cents), at: r.at }));
  }

  /**
   * Takes the ticket's row lock for the rest of the transaction. An order's created and cancelled
   * events can be applied at the same moment (both redelivered after a replica died); holding the
   * row first makes each handler's "was this order released?" check and its write one step.
   */
  async holdForUpdate(q: Queryable, ticketId: string): Promise<void> {
    await q.query('SELECT 1 FROM tickets WHERE id = $1 FOR UPDATE', [ticketId]);
  }

  async lock(q: Queryable, ticketId: string, orderId: string): Promise<Ticket | undefined> {
    const { rows } = await q.query<TicketRow>(
      `UPDATE tickets SET order_id = $2, status = 'locked', version = version + 1
       WHERE id = $1 AND status = 'available' RETURNING ${COLUMNS}`,
      [ticketId, orderId],
    );
    return rows[0] && toTicket(rows[0]);
  }

  /**
   * Frees the ticket if that order still holds it. A ticket already marked sold by it is freed too:
   * orders never cancels a completed order, so its charge overtook the cancel and is being refunded.
   */
  async unlock(q: Queryable, ticketId: string, orderId: string): Promise<Ticket | undefined> {
    const { rows } = await q.query<TicketRow>(
      `UPDATE tickets SET order_id = NULL, status = 'available', version = version + 1
       WHERE id = $1 AND order_id = $2 AND status IN ('locked', 'sold') RETURNING ${COLUMNS}`,
      [ticketId, orderId],
    );
    return rows[0] && toTicket(rows[0]);
  }

  async markSold(q: Queryable, orderId: string): Promise<Ticket | undefined> {
    const { rows } = await q.query<TicketRow>(
      `UPDATE tickets SET status = 'sold', version = version + 1
       WHERE order_id = $1 AND status = 'locked' RETURNING ${COLUMNS}`,
      [orderId],
    );
    return rows[0] && toTicket(rows[0]);
  }

  async findByOrder(q: Queryable, orderId: string): Promise<Ticket | undefined> {
    const { rows } = await q.query<TicketRow>(`SELECT ${COLUMNS} FROM tickets WHERE order_id = $1`, [orderId]);
    return rows[0] && toTicket(rows[0]);
  }

  async markReleased(q: Queryable, orderId: string): Promise<void> {
    await q.query('INSERT INTO released_orders (order_id) VALUES ($1) ON CONFLICT DO NOTHING', [orderId]);
  }

  async isReleased(q: Queryable, orderId: string): Promise<boolean> {
    const { rowCount } = await q.query('SELECT 1 FROM released_orders WHERE order_id = $1', [orderId]);
    return rowCount > 0;
  }
}
