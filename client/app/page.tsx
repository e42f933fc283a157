import Link from 'next/link';
import { SearchForm } from '@/components/search-form';
import { TicketList } from '@/components/ticket-list';
import type { Ticket } from '@/lib/api-types';
import { nextCursor } from '@/lib/paging';
import { apiGetPage } from '@/lib/server-api';
import { param, type SearchParams } from '@/lib/search-params';

const PAGE_SIZE = 24;

export default async function Home({ searchParams }: { searchParams: SearchParams }) {
  const params = await searchParams;
  const q = param(params, 'q').trim();
  const cursor = param(params, 'cursor');
  const query = new URLSearchParams({ limit: String(PAGE_SIZE) });
  if (q) query.set('q', q);
  if (cursor) query.set('cursor', cursor);
  const { data: tickets, headers } = await apiGetPage<Ticket[]>(`/tickets?${query.toString()}`);
  const next = nextCursor(headers.get('link'));
  const pageLink = (c: string | null) => {
    const p = new URLSearchParams();
    if (q) p.set('q', q);
    if (c) p.set('cursor', c);
    const s = p.toString();
    return s ? `/?${s}` : '/';
  };

  return (
    <>
      <div className="page-head">
        <h1>{q ? `Tickets matching “${q}”` : 'Tickets for sale'}</h1>
        <SearchForm q={q} />
      </div>
      {tickets.length > 0 ? (
        <TicketList tickets={tickets} />
      ) : (
        <div className="empty card">
          {q ? (
            <p>No tickets match “{q}”.</p>
          ) : (
            <p>No tickets for sale right now.</p>
          )}
          <p>
            Got a ticket you can&apos;t use? <Link href="/sell">Sell it on Ticketyboo</Link>.
          </p>
        </div>
      )}
      {cursor || next ? (
        <nav className="pager" aria-label="Pages">
          {cursor ? <Link href={pageLink(null)}>First page</Link> : <span />}
          {next ? (
            <Link href={pageLink(next)} rel="next">
              Next page
            </Link>
          ) : null}
        </nav>
      ) : null}
    </>
  );
}
