import type { Migration } from '@ticketyboo/common';

export const migrations: Migration[] = [
  {
    name: 'expiration_001_expirations',
    sql: `
      -- The source of truth for what must expire when; Redis only holds the timers, and is rebuilt from here.
      CREATE TABLE expirations (
        order_id uuid PRIMARY KEY,
        version integer NOT NULL,
        expires_at timestamptz NOT NULL
      );
      CREATE INDEX expirations_by_expires_at ON expirations (expires_at, order_id);

      -- Orders whose lock is over (expired, cancelled or paid), so an order.created that arrives
      -- late, or again under another event id, arms nothing.
      CREATE TABLE closed_orders (
        order_id uuid PRIMARY KEY,
        closed_at timestamptz NOT NULL DEFAULT now()
      );`,
  },
];
