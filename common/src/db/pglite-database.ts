import { PGlite } from '@electric-sql/pglite';
import type { Database, QueryResult, Queryable, Row } from './database';

/** Embedded PostgreSQL (WASM): one database per service in a folder, or in memory when no folder. */
export class PgliteDatabase implements Database {
  private constructor(private readonly pg: PGlite) {}

  static async open(dataDir?: string): Promise<PgliteDatabase> {
    // Match the `pg` adapter: bigints arrive as strings.
    // pg_trgm serves substring search, as on the PostgreSQL server. Its module is ESM-only.
    const { pg_trgm } = await import('@electric-sql/pglite/contrib/pg_trgm');
    const options = { parsers: { 20: (v: string) => v }, extensions: { pg_trgm } };
    const pg = dataDir ? await PGlite.create(dataDir, options) : await PGlite.create(options);
    return new PgliteDatabase(pg);
  }

  async query<R extends Row = Row>(sql: string, params: readonly unknown[] = []): Promise<QueryResult<R>> {
    return toResult(await this.pg.query<R>(sql, params as unknown[]));
  }

  async exec(sql: string): Promise<void> {
    await this.pg.exec(sql);
  }

  async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    return this.pg.transaction(async (t) =>
      fn({
        async query<R extends Row = Row>(sql: string, params: readonly unknown[] = []) {
          return toResult(await t.query<R>(sql, params as unknown[]));
        },
        async exec(sql: string) {
          await t.exec(sql);
        },
      }),
    );
  }

  async close(): Promise<void> {
    await this.pg.close();
  }
}

function toResult<R extends Row>(r: { rows: R[]; affectedRows?: number }): QueryResult<R> {
  return { rows: r.rows, rowCount: Math.max(r.affectedRows ?? 0, r.rows.length) };
}
