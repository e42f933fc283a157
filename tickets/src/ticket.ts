import type { EventData } from '@ticketyboo/common';

export type TicketStatus = 'available' | 'locked' | 'sold';

export interface Ticket {
  id: string;
  seq: string;
  title: string;
  priceCents: number;
  userId: string;
  orderId: string | null;
  status: TicketStatus;
  version: number;
  createdAt: Date;
}

export interface TicketJson {
  id: string;
  title: string;
  price: number;
  userId: string;
  orderId: string | null;
  status: TicketStatus;
  version: number;
  createdAt: string;
}

export function toJson(t: Ticket): TicketJson {
  return {
    id: t.id,
    title: t.title,
    price: t.priceCents / 100,
    userId: t.userId,
    orderId: t.orderId,
    status: t.status,
    version: t.version,
    createdAt: t.createdAt.toISOString(),
  };
}

export function toEvent(t: Ticket): EventData<'ticket.updated'> {
  return {
    id: t.id,
    title: t.title,
    priceCents: t.priceCents,
    userId: t.userId,
    orderId: t.orderId,
    status: t.status,
    version: t.version,
  };
}
