import type { Database } from './database';

export interface Migration {
  /** Unique and never renamed once released: it is the key in schema_migrations. */
  name: string;
  sql: string;
}

/** Tables every service has: the transactional outbox, the idempotent inbox, revoked sessions. */
export const messagingMigrations: Migration[] = [
  {
    name: 'common_001_outbox_inbox',
    sql: `
      CREATE TABLE outbox (
        seq bigserial PRIMARY KEY,
        id uuid NOT NULL UNIQUE,
        subject text NOT NULL,
        payload jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE inbox (
        consumer text NOT NULL,
        event_id uuid NOT NULL,
        processed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (consumer, event_id)
      );`,
  },
  {
    name: 'common_002_outbox_request_id',
    sql: `ALTER TABLE outbox ADD COLUMN request_id text;`,
  },
  {
    name: 'common_003_revoked_sessions',
    sql: `
      CREATE TABLE revoked_sessions (
        sid uuid PRIMARY KEY,
        expires_at timestamptz NOT NULL
      );
      CREATE INDEX revoked_sessions_expiry ON revoked_sessions (expires_at);`,
  },
];

// Any constant works; it only has to be the same for every replica of a service.
const MIGRATION_LOCK = 72_616_001;

/**
 * Applies pending migrations in order, each in its own transaction. An advisory lock makes
 * replicas that start together take turns, so each migration runs exactly once.
 */
export async function migrate(db: Database, migrations: readonly Migration[]): Promise<string[]> {
  const all = [...messagingMigrations, ...migrations];
  await db.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
    name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`).catch(async (err: unknown) => {
    // Two replicas racing on CREATE TABLE IF NOT EXISTS can collide on the catalog; the loser retries.
    if (!(await tableExists(db))) throw err;
  });
  const applied: string[] = [];
  for (const m of all) {
    const ran = await db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      const done = await tx.query('SELECT 1 FROM schema_migrations WHERE name = $1', [m.name]);
      if (done.rowCount > 0) return false;
      await tx.exec(m.sql);
      await tx.query('INSERT INTO schema_migrations (name) VALUES ($1)', [m.name]);
      return true;
    });
    if (ran) applied.push(m.name);
  }
  return applied;
}

async function tableExists(db: Database): Promise<boolean> {
  const r = await db.query(`SELECT to_regclass('schema_migrations') IS NOT NULL AS ok`);
  return r.rows[0]?.ok === true;
}
