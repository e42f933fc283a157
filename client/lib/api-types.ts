/**
 * The JSON the services answer with, as the browser and server-side rendering see it. Written
 * out here rather than imported from the services so the client builds and ships on its own;
 * README.md's API section is the contract both sides follow.
 */

export interface User {
  id: string;
  email: string;
}

export type TicketStatus = 'available' | 'locked' | 'sold';

export interface Ticket {
  id: string;
  title: string;
  /** Currency units, at most 2 decimals. */
  price: number;
  userId: string;
  orderId: string | null;
  status: TicketStatus;
  version: number;
  createdAt: string;
}

export interface PricePoint {
  price: number;
  at: string;
}

export type OrderStatus = 'created' | 'complete' | 'cancelled';

export interface Order {
  id: string;
  userId: string;
  status: OrderStatus;
  expiresAt: string;
  version: number;
  /** The ticket as it was when ordered: the price here is what the buyer pays. */
  ticket: { id: string; title: string; price: number };
}

export interface Charge {
  id: string;
  orderId: string;
  status: 'pending' | 'succeeded' | 'failed' | 'refunded';
  /** Integer cents. */
  amount: number;
  currency: string;
}

export interface PaymentsConfig {
  testMode: boolean;
}

/** Every error response: `field` names the input at fault, when one is. */
export interface ApiErrorBody {
  errors: { message: string; field?: string }[];
}
