import type { Migration } from '@ticketyboo/common';

export const migrations: Migration[] = [
  {
    name: 'payments_001_charges',
    sql: `
      -- Replicas of what payments needs from orders and auth, kept from their events.
      CREATE TABLE orders (
        id uuid PRIMARY KEY,
        user_id uuid NOT NULL,
        status text NOT NULL CHECK (status IN ('created', 'complete', 'cancelled')),
        price_cents bigint NOT NULL,
        expires_at timestamptz NOT NULL,
        version integer NOT NULL
      );
      CREATE TABLE users (
        id uuid PRIMARY KEY,
        email text NOT NULL,
        version integer NOT NULL
      );

      CREATE TABLE charges (
        id uuid PRIMARY KEY,
        -- Exactly one charge per order: the second payment attempt collides here.
        order_id uuid NOT NULL CONSTRAINT charges_one_per_order UNIQUE,
        user_id uuid NOT NULL,
        status text NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed', 'refunded')),
        amount_cents bigint NOT NULL,
        currency text NOT NULL,
        stripe_id text,
        stripe_refund_id text,
        failure_message text,
        version integer NOT NULL DEFAULT 0,
        attempted_at timestamptz NOT NULL DEFAULT now(),
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX charges_by_stripe_id ON charges (stripe_id) WHERE stripe_id IS NOT NULL;

      -- Stripe webhook events already handled: Stripe delivers at least once.
      CREATE TABLE stripe_events (
        id text PRIMARY KEY,
        received_at timestamptz NOT NULL DEFAULT now()
      );`,
  },
];
