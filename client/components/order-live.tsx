'use client';

import Link from 'next/link';
import { useState } from 'react';
import type { Charge, Order } from '@/lib/api-types';
import { api } from '@/lib/browser-api';
import { useNow } from '@/lib/hooks/use-now';
import { usePoll } from '@/lib/hooks/use-poll';
import { Countdown } from './countdown';
import { PaymentForm } from './payment-form';
import { OrderStatusBadge } from './status-badge';

/** How an order that is no longer open ended, as far as this page can tell. */
export type OrderEnding = 'expired' | 'cancelled' | 'declined';

const POLL_MS = 1000;

export function OrderLive({ initial, initialEnding, testMode }: { initial: Order; initialEnding: OrderEnding | null; testMode: boolean }) {
  const [order, setOrder] = useState(initial);
  const [ending, setEnding] = useState<OrderEnding | null>(initialEnding);
  const [declineMessage, setDeclineMessage] = useState<string | null>(null);
  const [paid, setPaid] = useState<'no' | 'confirming' | 'processing'>('no');
  const [busy, setBusy] = useState<'pay' | 'cancel' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const now = useNow();
  const expiresAt = Date.parse(order.expiresAt);
  const msLeft = now === null ? null : expiresAt - now;

  function show(next: Order) {
    setOrder((shown) => (next.version >= shown.version ? next : shown));
    // A cancel nobody here asked for: the expiry, if its time had come.
    if (next.status === 'cancelled') setEnding((e) => e ?? (Date.now() >= expiresAt - 1000 ? 'expired' : 'cancelled'));
  }

  usePoll(
    async () => {
      const res = await api<Order>('GET', `/orders/${order.id}`);
      if (res.ok) show(res.data);
    },
    POLL_MS,
    order.status === 'created',
  );

  async function pay(token: string) {
    setBusy('pay');
    setError(null);
    const res = await api<Charge>('POST', '/payments', { orderId: order.id, token });
    setBusy(null);
    if (res.ok) {
      // 201: charged, and the order completes as soon as orders hears of it (the poll shows it).
      setPaid(res.status === 201 ? 'confirming' : 'processing');
      return;
    }
    if (res.status === 402) {
      // Declined: payments cancels the order, so the ticket goes back on sale.
      setDeclineMessage(res.errors.map((e) => e.message).join(' '));
      setEnding('declined');
      return;
    }
    setError(res.errors.map((e) => e.message).join(' '));
  }

  async function cancel() {
    setBusy('cancel');
    setError(null);
    const res = await api<Order>('DELETE', `/orders/${order.id}`);
    setBusy(null);
    if (res.ok) {
      setEnding((e) => e ?? 'cancelled');
      show(res.data);
      return;
    }
    setError(res.errors.map((e) => e.message).join(' '));
  }

  const backToTicket = (
    <p>
      <Link href={`/tickets/${order.ticket.id}`}>Back to the ticket</Link>
    </p>
  );

  if (order.status === 'complete') {
    return (
      <section className="order-state" aria-live="polite">
        <p>
          <OrderStatusBadge status="complete" />
        </p>
        <p>Paid. The ticket is yours; the seller has been told.</p>
        <p>
          <Link href="/orders">See all my orders</Link>
        </p>
      </section>
    );
  }

  if (ending === 'declined') {
    return (
      <section className="order-state" aria-live="polite">
        <p>
          <OrderStatusBadge status="cancelled" />
        </p>
        <div role="alert" className="alert alert-error">
          <p>{declineMessage}</p>
          <p>Your payment was declined and the order was cancelled. Nothing was charged.</p>
        </div>
        {backToTicket}
      </section>
    );
  }

  const expired = ending === 'expired' || (ending === null && msLeft !== null && msLeft <= 0 && paid === 'no');
  if (expired || ending === 'cancelled') {
    return (
      <section className="order-state" aria-live="polite">
        <p>
          <OrderStatusBadge status={expired ? 'expired' : 'cancelled'} />
        </p>
        <h2>{expired ? 'Order expired' : 'Order cancelled'}</h2>
        <p>
          {expired
            ? 'The time to pay ran out, so the ticket was released for others to buy.'
            : 'This order was cancelled, so the ticket went back on sale.'}
        </p>
        {backToTicket}
      </section>
    );
  }

  if (paid !== 'no') {
    return (
      <section className="order-state" aria-live="polite">
        <p>
          <OrderStatusBadge status="created" />
        </p>
        <p>{paid === 'confirming' ? 'Payment received. Confirming your order…' : 'Your payment is being processed. This page updates when it completes.'}</p>
      </section>
    );
  }

  return (
    <section className="order-state">
      <p className="timer">
        Time left to pay{' '}
        <span role="timer">
          <Countdown msLeft={msLeft} />
        </span>
      </p>
      <PaymentForm testMode={testMode} busy={busy !== null} onPay={(token) => void pay(token)} />
      {error ? (
        <p role="alert" className="field-error">
          {error}
        </p>
      ) : null}
      <button type="button" className="button button-secondary" disabled={busy !== null} onClick={() => void cancel()}>
        {busy === 'cancel' ? 'Cancelling…' : 'Cancel order'}
      </button>
    </section>
  );
}
