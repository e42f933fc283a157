import { RATE_LIMITS_TABLE_SQL, type Migration } from '@ticketyboo/common';

export const migrations: Migration[] = [
  {
    name: 'orders_001_orders',
    sql: `
      -- This service's replica of the tickets service's listings, kept from ticket.* events.
      CREATE TABLE tickets (
        id uuid PRIMARY KEY,
        title text NOT NULL,
        price_cents bigint NOT NULL,
        user_id uuid NOT NULL,
        version integer NOT NULL
      );

      CREATE TABLE orders (
        id uuid PRIMARY KEY,
        seq bigserial NOT NULL UNIQUE,
        user_id uuid NOT NULL,
        ticket_id uuid NOT NULL REFERENCES tickets (id),
        status text NOT NULL CHECK (status IN ('created', 'complete', 'cancelled')),
        expires_at timestamptz NOT NULL,
        version integer NOT NULL DEFAULT 0,
        -- What the buyer saw when ordering: the price payment charges, whatever the seller does next.
        ticket_title text NOT NULL,
        price_cents bigint NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      -- The lock itself: at most one order per ticket that holds it (waiting for payment) or bought it.
      CREATE UNIQUE INDEX orders_one_holder_per_ticket ON orders (ticket_id) WHERE status IN ('created', 'complete');
      CREATE INDEX orders_by_user ON orders (user_id, seq DESC);`,
  },
  // Per-user rate limits (RateLimiter in common).
  { name: 'orders_002_rate_limits', sql: RATE_LIMITS_TABLE_SQL },
];
