import Link from 'next/link';
import type { Ticket } from '@/lib/api-types';
import { formatDate, formatPrice } from '@/lib/format';

/** Tickets for sale as cards, each a link to its page. */
export function TicketList({ tickets }: { tickets: Ticket[] }) {
  return (
    <ul className="ticket-grid">
      {tickets.map((t) => (
        <li key={t.id} className="card ticket-card">
          <h2 className="ticket-card-title">
            <Link href={`/tickets/${t.id}`} className="stretched-link">
              {t.title}
            </Link>
          </h2>
          <p className="ticket-card-price">{formatPrice(t.price)}</p>
          <p className="muted">
            Listed <time dateTime={t.createdAt}>{formatDate(t.createdAt)}</time>
          </p>
        </li>
      ))}
    </ul>
  );
}
