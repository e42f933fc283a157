import pg from 'pg';
import type { Database, QueryResult, Queryable, Row } from './database';

// Return bigint and numeric columns as strings, never as lossy floats; callers convert deliberately.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => v);

export class PgDatabase implements Database {
  private readonly pool: pg.Pool;

  constructor(connectionString: string, opts: { max?: number } = {}) {
    this.pool = new pg.Pool({ connectionString, max: opts.max ?? 10 });
    // An idle client losing its connection (e.g. a database restart) must not crash the process.
    this.pool.on('error', () => undefined);
  }

  async query<R extends Row = Row>(sql: string, params: readonly unknown[] = []): Promise<QueryResult<R>> {
    const r = await this.pool.query<R>(sql, params as unknown[]);
    return { rows: r.rows, rowCount: r.rowCount ?? 0 };
  }

  async exec(sql: string): Promise<void> {
    await this.pool.query(sql);
  }

  async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    const tx: Queryable = {
      async query<R extends Row = Row>(sql: string, params: readonly unknown[] = []) {
        const r = await client.query<R>(sql, params as unknown[]);
        return { rows: r.rows, rowCount: r.rowCount ?? 0 };
      },
      async exec(sql: string) {
        await client.query(sql);
      },
    };
    let broken = false;
    try {
      await client.query('BEGIN');
      const result = await fn(tx);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      try {
        await client.query('ROLLBACK');
      } catch {
        broken = true;
      }
      throw err;
    } finally {
      client.release(broken);
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
