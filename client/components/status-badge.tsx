import type { OrderStatus, TicketStatus } from '@/lib/api-types';

const TICKET_LABELS: Record<TicketStatus, string> = {
  available: 'Available',
  locked: 'Reserved',
  sold: 'Sold',
};

const ORDER_LABELS: Record<OrderStatus | 'expired', string> = {
  created: 'Awaiting payment',
  complete: 'Complete',
  cancelled: 'Cancelled',
  expired: 'Expired',
};

export function TicketStatusBadge({ status }: { status: TicketStatus }) {
  return <span className={`badge badge-${status}`}>{TICKET_LABELS[status]}</span>;
}

export function OrderStatusBadge({ status }: { status: OrderStatus | 'expired' }) {
  return <span className={`badge badge-order-${status}`}>{ORDER_LABELS[status]}</span>;
}
