import type { Migration } from '@ticketyboo/common';

export const migrations: Migration[] = [
  {
    name: 'auth_001_users',
    sql: `
      CREATE TABLE users (
        id uuid PRIMARY KEY,
        email text NOT NULL CONSTRAINT users_email_key UNIQUE,
        password_hash text NOT NULL,
        version integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );`,
  },
  {
    name: 'auth_002_throttle',
    sql: `
      -- Attempt counters for sign-in/sign-up rate limits (see attempt-limiter.ts).
      CREATE TABLE throttle (
        bucket text PRIMARY KEY,
        hits integer NOT NULL,
        window_ends timestamptz NOT NULL
      );`,
  },
];
