/** An order's lock that has not run out yet: a row of `expirations`. */
export interface PendingExpiry {
  orderId: string;
  /** The order's version from order.created, echoed in order.expired. */
  version: number;
  expiresAt: Date;
}
