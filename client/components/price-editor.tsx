'use client';

import { useState, type FormEvent } from 'react';
import type { Ticket } from '@/lib/api-types';
import { api } from '@/lib/browser-api';
import { formatPrice, twoDecimals } from '@/lib/format';
import { TicketStatusBadge } from './status-badge';

const LOCKED_REASON = 'A buyer is paying for it; the price is fixed until they finish or their time runs out.';
const SOLD_REASON = 'Sold tickets keep the price they sold for.';

/** One of my listings: its status and a price I can change while nobody is buying it. */
export function PriceEditor({ initial }: { initial: Ticket }) {
  const [ticket, setTicket] = useState(initial);
  const [price, setPrice] = useState(initial.price.toFixed(2));
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ kind: 'error' | 'ok'; text: string } | null>(null);
  const id = `price-${ticket.id}`;
  const reason = ticket.status === 'locked' ? LOCKED_REASON : ticket.status === 'sold' ? SOLD_REASON : null;

  async function save(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const amount = Number(price);
    if (price.trim() === '' || !Number.isFinite(amount)) {
      setMessage({ kind: 'error', text: 'Price must be a number' });
      return;
    }
    setBusy(true);
    setMessage(null);
    const res = await api<Ticket>('PUT', `/tickets/${ticket.id}`, { title: ticket.title, price: amount });
    setBusy(false);
    if (res.ok) {
      setTicket(res.data);
      setPrice(res.data.price.toFixed(2));
      setMessage({ kind: 'ok', text: `Saved: now ${formatPrice(res.data.price)}` });
      return;
    }
    setMessage({ kind: 'error', text: res.errors.map((x) => x.message).join(' ') });
    // A 409 means it was locked or sold meanwhile: show what it is now.
    if (res.status === 409) {
      const fresh = await api<Ticket>('GET', `/tickets/${ticket.id}`);
      if (fresh.ok) setTicket(fresh.data);
    }
  }

  return (
    <form className="price-editor" onSubmit={(e) => void save(e)} noValidate>
      <TicketStatusBadge status={ticket.status} />
      <div className="price-editor-row">
        <label htmlFor={id}>
          Price<span className="visually-hidden"> for {ticket.title}</span>
        </label>
        <input
          id={id}
          inputMode="decimal"
          value={price}
          disabled={reason !== null}
          onChange={(e) => setPrice(e.target.value)}
          onBlur={() => setPrice(twoDecimals(price))}
          aria-describedby={`${id}-note`}
        />
        <button type="submit" className="button button-secondary" disabled={reason !== null || busy}>
          {busy ? 'Saving…' : 'Save price'}
        </button>
      </div>
      <p id={`${id}-note`} className={message?.kind === 'error' ? 'field-error' : 'hint'} aria-live="polite">
        {reason ?? message?.text ?? ''}
      </p>
    </form>
  );
}
