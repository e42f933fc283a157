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
  {
    name: 'auth_003_rate_limits',
    sql: `
      -- rate-limiter-flexible's RateLimiterPostgres table (see attempt-limiter.ts); key is text, not
      -- the library's varchar(255), because an email alone may be 254 characters.
      DROP TABLE throttle;
      CREATE TABLE rate_limits (
        key text PRIMARY KEY,
        points integer NOT NULL DEFAULT 0,
        expire bigint
      );
      CREATE INDEX rate_limits_expire ON rate_limits (expire);`,
  },
  {
    name: 'auth_004_sessions',
    sql: `
      -- Every live session auth issued, so a password or email change can revoke the user's others.
      CREATE TABLE sessions (
        sid uuid PRIMARY KEY,
        user_id uuid NOT NULL,
        expires_at timestamptz NOT NULL
      );
      CREATE INDEX sessions_user ON sessions (user_id);
      CREATE INDEX sessions_expiry ON sessions (expires_at);`,
  },
];
