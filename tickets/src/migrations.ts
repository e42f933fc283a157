import { RATE_LIMITS_TABLE_SQL, type Migration } from '@ticketyboo/common';

export const migrations: Migration[] = [
  {
    name: 'tickets_001_tickets',
    sql: `
      CREATE EXTENSION IF NOT EXISTS pg_trgm;
      CREATE TABLE tickets (
        id uuid PRIMARY KEY,
        -- Listing order and the keyset-pagination cursor: unique and increasing, unlike a timestamp.
        seq bigserial NOT NULL UNIQUE,
        title text NOT NULL,
        price_cents bigint NOT NULL CHECK (price_cents > 0),
        user_id uuid NOT NULL,
        order_id uuid,
        status text NOT NULL DEFAULT 'available' CHECK (status IN ('available', 'locked', 'sold')),
        version integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((status = 'available') = (order_id IS NULL))
      );
      CREATE INDEX tickets_available_by_seq ON tickets (seq DESC) WHERE status = 'available';
      CREATE INDEX tickets_by_seller ON tickets (user_id, seq DESC);
      CREATE INDEX tickets_by_order ON tickets (order_id) WHERE order_id IS NOT NULL;
      CREATE INDEX tickets_title_trgm ON tickets USING gin (title gin_trgm_ops);

      CREATE TABLE ticket_prices (
        ticket_id uuid NOT NULL REFERENCES tickets (id),
        price_cents bigint NOT NULL,
        at timestamptz NOT NULL DEFAULT clock_timestamp()
      );
      CREATE INDEX ticket_prices_by_ticket ON ticket_prices (ticket_id, at);

      -- Orders known to be over, so an order.created that arrives after its own cancel locks nothing.
      CREATE TABLE released_orders (
        order_id uuid PRIMARY KEY,
        released_at timestamptz NOT NULL DEFAULT now()
      );`,
  },
  // Per-user rate limits (RateLimiter in common).
  { name: 'tickets_002_rate_limits', sql: RATE_LIMITS_TABLE_SQL },
];
