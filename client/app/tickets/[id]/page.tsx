import type { Metadata } from 'next';
import { cache } from 'react';
import { TicketLive } from '@/components/ticket-live';
import type { PricePoint, Ticket } from '@/lib/api-types';
import { formatDate } from '@/lib/format';
import { apiGet, apiGetOrNotFound, currentUser } from '@/lib/server-api';

type Props = { params: Promise<{ id: string }> };

// The title and the page both need the ticket: one request serves both.
const ticketById = cache((id: string) => apiGetOrNotFound<Ticket>(`/tickets/${encodeURIComponent(id)}`));

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: (await ticketById((await params).id)).title };
}

export default async function TicketPage({ params }: Props) {
  const { id } = await params;
  const [ticket, viewer] = await Promise.all([ticketById(id), currentUser()]);
  const { data: prices } = await apiGet<PricePoint[]>(`/tickets/${encodeURIComponent(id)}/prices`);
  return (
    <article className="card ticket-page">
      <h1>{ticket.title}</h1>
      <p className="muted">
        Listed <time dateTime={ticket.createdAt}>{formatDate(ticket.createdAt)}</time>
      </p>
      <TicketLive initial={ticket} prices={prices} viewer={viewer} />
    </article>
  );
}
