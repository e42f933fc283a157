'use client';

import type { OrderStatus } from '@/lib/api-types';
import { useNow } from '@/lib/hooks/use-now';
import { Countdown } from './countdown';
import { OrderStatusBadge } from './status-badge';

/** An order's status in a list, with a live countdown while it awaits payment. */
export function OrderStatusLive({ status, expiresAt }: { status: OrderStatus; expiresAt: string }) {
  const now = useNow();
  if (status !== 'created') return <OrderStatusBadge status={status} />;
  const msLeft = now === null ? null : Date.parse(expiresAt) - now;
  if (msLeft !== null && msLeft <= 0) return <OrderStatusBadge status="expired" />;
  return (
    <>
      <OrderStatusBadge status="created" />{' '}
      <span className="time-left">
        <Countdown msLeft={msLeft} /> left
      </span>
    </>
  );
}
