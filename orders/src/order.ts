import type { EventData } from '@ticketyboo/common';

export type OrderStatus = 'created' | 'complete' | 'cancelled';

/** Every allowed move; anything else is refused. */
export const transitions: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  created: ['complete', 'cancelled'],
  complete: [],
  cancelled: [],
};

/** The statuses an order may be in to move to `to`. */
export function sourcesOf(to: OrderStatus): OrderStatus[] {
  return (Object.keys(transitions) as OrderStatus[]).filter((from) => transitions[from].includes(to));
}

export interface Order {
  id: string;
  seq: string;
  userId: string;
  status: OrderStatus;
  expiresAt: Date;
  version: number;
  ticket: { id: string; title: string; priceCents: number };
}

export interface OrderJson {
  id: string;
  userId: string;
  status: OrderStatus;
  expiresAt: string;
  version: number;
  ticket: { id: string; title: string; price: number };
}

export function toJson(o: Order): OrderJson {
  return {
    id: o.id,
    userId: o.userId,
    status: o.status,
    expiresAt: o.expiresAt.toISOString(),
    version: o.version,
    ticket: { id: o.ticket.id, title: o.ticket.title, price: o.ticket.priceCents / 100 },
  };
}

export function createdEvent(o: Order): EventData<'order.created'> {
  return {
    id: o.id,
    userId: o.userId,
    status: o.status,
    expiresAt: o.expiresAt.toISOString(),
    version: o.version,
    ticket: { ...o.ticket },
  };
}

export function cancelledEvent(o: Order, reason: EventData<'order.cancelled'>['reason']): EventData<'order.cancelled'> {
  return { id: o.id, version: o.version, ticket: { id: o.ticket.id }, reason };
}
