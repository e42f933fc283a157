import type { Metadata } from 'next';
import Link from 'next/link';
import { OrderLive, type OrderEnding } from '@/components/order-live';
import type { Order, PaymentsConfig } from '@/lib/api-types';
import { formatPrice } from '@/lib/format';
import { apiGet, apiGetOrNotFound, requireUser } from '@/lib/server-api';

export const metadata: Metadata = { title: 'Your order' };

/**
 * How a cancelled order ended, judged when the page is requested (a server component renders
 * once per request): past its expiry it expired, before it someone cancelled it.
 */
function endingAtRequest(order: Order): OrderEnding | null {
  if (order.status !== 'cancelled') return null;
  return Date.parse(order.expiresAt) <= Date.now() ? 'expired' : 'cancelled';
}

export default async function OrderPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  await requireUser(`/orders/${id}`);
  const [order, { data: payments }] = await Promise.all([
    apiGetOrNotFound<Order>(`/orders/${encodeURIComponent(id)}`),
    apiGet<PaymentsConfig>('/payments/config'),
  ]);
  const ending = endingAtRequest(order);
  return (
    <article className="card order-page">
      <p className="muted">Order</p>
      <h1>
        <Link href={`/tickets/${order.ticket.id}`}>{order.ticket.title}</Link>
      </h1>
      <p className="ticket-price">{formatPrice(order.ticket.price)}</p>
      <OrderLive initial={order} initialEnding={ending} testMode={payments.testMode} />
    </article>
  );
}
