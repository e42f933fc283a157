import type { EventData } from '@ticketyboo/common';

export type ChargeStatus = 'pending' | 'succeeded' | 'failed' | 'refunded';

export interface Charge {
  id: string;
  orderId: string;
  userId: string;
  status: ChargeStatus;
  amountCents: number;
  currency: string;
  stripeId: string | null;
  stripeRefundId: string | null;
  failureMessage: string | null;
  version: number;
}

export interface ChargeJson {
  id: string;
  orderId: string;
  status: ChargeStatus;
  /** Integer cents, as Stripe counts. */
  amount: number;
  currency: string;
  stripeId: string | null;
  stripeRefundId: string | null;
}

export function toJson(c: Charge): ChargeJson {
  return {
    id: c.id,
    orderId: c.orderId,
    status: c.status,
    amount: c.amountCents,
    currency: c.currency,
    stripeId: c.stripeId,
    stripeRefundId: c.stripeRefundId,
  };
}

/** Only settled charges are announced; a pending one is nobody else's business yet. */
export function toEvent(c: Charge & { status: Exclude<ChargeStatus, 'pending'> }): EventData<'charge.created'> {
  return {
    id: c.id,
    orderId: c.orderId,
    status: c.status,
    amountCents: c.amountCents,
    currency: c.currency,
    stripeId: c.stripeId ?? '',
    version: c.version,
  };
}

export function isSettled(c: Charge): c is Charge & { status: Exclude<ChargeStatus, 'pending'> } {
  return c.status !== 'pending';
}
