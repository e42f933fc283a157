import type { Metadata } from 'next';
import Link from 'next/link';
import { OrderStatusLive } from '@/components/order-time-left';
import type { Order } from '@/lib/api-types';
import { formatPrice } from '@/lib/format';
import { apiGet, requireUser } from '@/lib/server-api';

export const metadata: Metadata = { title: 'My orders' };

export default async function OrdersPage() {
  await requireUser('/orders');
  const { data: orders } = await apiGet<Order[]>('/orders');
  return (
    <>
      <h1>My orders</h1>
      {orders.length === 0 ? (
        <div className="empty card">
          <p>You have not ordered anything yet.</p>
          <p>
            <Link href="/">Find tickets</Link>
          </p>
        </div>
      ) : (
        <ul className="rows">
          {orders.map((o) => (
            <li key={o.id} className="card row">
              <div className="row-main">
                <Link href={`/orders/${o.id}`} className="row-title">
                  {o.ticket.title}
                </Link>
                <span className="row-price">{formatPrice(o.ticket.price)}</span>
              </div>
              <div className="row-status">
                <OrderStatusLive status={o.status} expiresAt={o.expiresAt} />
              </div>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
