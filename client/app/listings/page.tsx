import type { Metadata } from 'next';
import Link from 'next/link';
import { PriceEditor } from '@/components/price-editor';
import type { Ticket } from '@/lib/api-types';
import { formatDate } from '@/lib/format';
import { nextCursor } from '@/lib/paging';
import { apiGetPage, requireUser } from '@/lib/server-api';
import { param, type SearchParams } from '@/lib/search-params';

export const metadata: Metadata = { title: 'My listings' };

export default async function ListingsPage({ searchParams }: { searchParams: SearchParams }) {
  const user = await requireUser('/listings');
  const cursor = param(await searchParams, 'cursor');
  const query = new URLSearchParams({ sellerId: user.id, limit: '50' });
  if (cursor) query.set('cursor', cursor);
  const { data: tickets, headers } = await apiGetPage<Ticket[]>(`/tickets?${query.toString()}`);
  const next = nextCursor(headers.get('link'));
  return (
    <>
      <div className="page-head">
        <h1>My listings</h1>
        <Link href="/sell" className="button button-primary">
          List a ticket
        </Link>
      </div>
      {tickets.length === 0 ? (
        <div className="empty card">
          <p>You have not listed any tickets yet.</p>
        </div>
      ) : (
        <ul className="rows">
          {tickets.map((t) => (
            <li key={t.id} className="card row">
              <div className="row-main">
                <Link href={`/tickets/${t.id}`} className="row-title">
                  {t.title}
                </Link>
                <span className="muted">
                  Listed <time dateTime={t.createdAt}>{formatDate(t.createdAt)}</time>
                </span>
              </div>
              <PriceEditor initial={t} />
            </li>
          ))}
        </ul>
      )}
      {cursor || next ? (
        <nav className="pager" aria-label="Pages">
          {cursor ? <Link href="/listings">First page</Link> : <span />}
          {next ? <Link href={`/listings?cursor=${encodeURIComponent(next)}`}>Next page</Link> : null}
        </nav>
      ) : null}
    </>
  );
}
