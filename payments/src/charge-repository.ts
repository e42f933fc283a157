import type { Queryable } from '@ticketyboo/common';
import type { Charge, ChargeStatus } from './charge';

interface ChargeRow {
  [key: string]: unknown;
  id: string;
  order_id: string;
  user_id: string;
  status: ChargeStatus;
  amount_cents: string;
  currency: string;
  stripe_id: string | null;
  stripe_refund_id: string | null;
  failure_message: string | null;
  version: number;
}

const COLUMNS = 'id, order_id, user_id, status, amount_cents, currency, stripe_id, stripe_refund_id, failure_message, version';

function toCharge(r: ChargeRow): Charge {
  return {
    id: r.id,
    orderId: r.order_id,
    userId: r.user_id,
    status: r.status,
    amountCents: Number(r.amount_cents),
    currency: r.currency,
    stripeId: r.stripe_id,
    stripeRefundId: r.stripe_refund_id,
    failureMessage: r.failure_message,
    version: r.version,
  };
}

// A pending claim older than this is taken to be from a request that died mid-payment.
const STALE_CLAIM_SECONDS = 30;

export class ChargeRepository {
  /**
   * Claims the order's one charge. Undefined if another request holds or settled it; a claim
   * left pending by a request that died is taken over (the processor's idempotency key makes the
   * retry return the first attempt's result rather than charge twice).
   */
  async claim(
    q: Queryable,
    c: { id: string; orderId: string; userId: string; amountCents: number; currency: string },
  ): Promise<Charge | undefined> {
    const { rows } = await q.query<ChargeRow>(
      `INSERT INTO charges (id, order_id, user_id, status, amount_cents, currency)
       VALUES ($1, $2, $3, 'pending', $4, $5)
       ON CONFLICT (order_id) DO UPDATE SET attempted_at = now()
         WHERE charges.status = 'pending' AND charges.stripe_id IS NULL
           AND charges.attempted_at < now() - make_interval(secs => ${STALE_CLAIM_SECONDS})
       RETURNING ${COLUMNS}`,
      [c.id, c.orderId, c.userId, c.amountCents, c.currency],
    );
    return rows[0] && toCharge(rows[0]);
  }

  /**
   * Lets the buyer's next attempt take this claim over at once. The row stays: the processor may
   * have charged before the connection failed, and its webhook must still find the charge.
   */
  async makeRetryable(q: Queryable, id: string): Promise<void> {
    await q.query(`UPDATE charges SET attempted_at = '-infinity' WHERE id = $1 AND status = 'pending'`, [id]);
  }

  async findByOrder(q: Queryable, orderId: string, opts: { forUpdate?: boolean } = {}): Promise<Charge | undefined> {
    const { rows } = await q.query<ChargeRow>(
      `SELECT ${COLUMNS} FROM charges WHERE order_id = $1${opts.forUpdate ? ' FOR UPDATE' : ''}`,
      [orderId],
    );
    return rows[0] && toCharge(rows[0]);
  }

  async findByStripeId(q: Queryable, stripeId: string): Promise<Charge | undefined> {
    const { rows } = await q.query<ChargeRow>(`SELECT ${COLUMNS} FROM charges WHERE stripe_id = $1 FOR UPDATE`, [stripeId]);
    return rows[0] && toCharge(rows[0]);
  }

  async listForBuyer(q: Queryable, userId: string, orderId: string): Promise<Charge[]> {
    const { rows } = await q.query<ChargeRow>(
      `SELECT ${COLUMNS} FROM charges WHERE user_id = $1 AND order_id = $2 ORDER BY created_at`,
      [userId, orderId],
    );
    return rows.map(toCharge);
  }

  /** Moves a charge on, only from one of `from`; undefined if it was not in such a status. */
  async settle(
    q: Queryable,
    id: string,
    from: ChargeStatus[],
    change: { status: ChargeStatus; stripeId?: string | null; stripeRefundId?: string; failureMessage?: string },
  ): Promise<Charge | undefined> {
    const { rows } = await q.query<ChargeRow>(
      `UPDATE charges SET status = $3,
         stripe_id = COALESCE($4, stripe_id),
         stripe_refund_id = COALESCE($5, stripe_refund_id),
         failure_message = COALESCE($6, failure_message),
         version = version + 1
       WHERE id = $1 AND status = ANY($2::text[]) RETURNING ${COLUMNS}`,
      [id, from, change.status, change.stripeId ?? null, change.stripeRefundId ?? null, change.failureMessage ?? null],
    );
    return rows[0] && toCharge(rows[0]);
  }

  async setStripeId(q: Queryable, id: string, stripeId: string): Promise<void> {
    await q.query('UPDATE charges SET stripe_id = $2 WHERE id = $1', [id, stripeId]);
  }

  /** True the first time a Stripe event id is seen. */
  async firstDelivery(q: Queryable, stripeEventId: string): Promise<boolean> {
    const { rowCount } = await q.query('INSERT INTO stripe_events (id) VALUES ($1) ON CONFLICT DO NOTHING', [stripeEventId]);
    return rowCount > 0;
  }
}
