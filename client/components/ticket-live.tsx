'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import type { Order, PricePoint, Ticket, User } from '@/lib/api-types';
import { api } from '@/lib/browser-api';
import { formatPrice } from '@/lib/format';
import { usePoll } from '@/lib/hooks/use-poll';
import { PriceChart } from './price-chart';
import { TicketStatusBadge } from './status-badge';

/** How often the ticket page asks for the ticket: the issue's "within ~2 s" with room to spare. */
const POLL_MS = 1000;

function unavailableReason(ticket: Ticket, viewer: User | null): string | null {
  if (viewer?.id === ticket.userId) return 'This is your listing. You can change its price in My listings.';
  if (ticket.status === 'sold') return 'This ticket has been sold.';
  if (ticket.status === 'locked') {
    return 'Someone is paying for this ticket right now. If they do not finish in time, it becomes available again.';
  }
  return null;
}

export function TicketLive({ initial, prices, viewer }: { initial: Ticket; prices: PricePoint[]; viewer: User | null }) {
  const router = useRouter();
  const [ticket, setTicket] = useState(initial);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  usePoll(
    async () => {
      const res = await api<Ticket>('GET', `/tickets/${initial.id}`);
      // Versions only go up: an answer older than what is shown is stale.
      if (res.ok) setTicket((shown) => (res.data.version >= shown.version ? res.data : shown));
    },
    POLL_MS,
    true,
  );

  async function purchase() {
    if (!viewer) {
      router.push(`/signin?next=${encodeURIComponent(`/tickets/${ticket.id}`)}`);
      return;
    }
    setBusy(true);
    setError(null);
    // The price on screen is the price the buyer agrees to; a newer one is a 409, not a surprise charge.
    const res = await api<Order>('POST', '/orders', { ticketId: ticket.id, price: ticket.price });
    if (res.ok) {
      router.push(`/orders/${res.data.id}`);
      return;
    }
    setError(res.errors.map((e) => e.message).join(' '));
    setBusy(false);
  }

  const reason = unavailableReason(ticket, viewer);
  return (
    <>
      <div className="ticket-facts">
        <p className="ticket-price">{formatPrice(ticket.price)}</p>
        <p aria-live="polite" className="ticket-status">
          <span className="visually-hidden">Status: </span>
          <TicketStatusBadge status={ticket.status} />
        </p>
      </div>
      <div className="purchase">
        <button
          type="button"
          className="button button-primary"
          disabled={reason !== null || busy}
          aria-describedby={reason ? 'purchase-reason' : undefined}
          onClick={() => void purchase()}
        >
          {busy ? 'Reserving…' : 'Purchase'}
        </button>
        {reason ? (
          <p id="purchase-reason" className="hint">
            {reason}
          </p>
        ) : !viewer ? (
          <p className="hint">You will be asked to sign in first.</p>
        ) : null}
        {error ? (
          <p role="alert" className="field-error">
            {error}
          </p>
        ) : null}
      </div>
      <PriceChart ticketId={ticket.id} initial={prices} currentPrice={ticket.price} />
    </>
  );
}
