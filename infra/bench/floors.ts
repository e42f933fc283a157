import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { spawnNode } from '@ticketyboo/common/testing';
import { runLoad } from './load';
import type { LoadResult } from './load-spec';
import type { BenchOptions } from './options';

const POSTGRES_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface Floors {
  json: LoadResult;
  lock: LoadResult;
}

/** Floor A and floor B, each a bare Express 5 process of its own, under the same load generator. */
export async function measureFloors(o: BenchOptions): Promise<Floors> {
  const json = await spawnNode(['--import', 'tsx', 'infra/bench/floor-server.ts', 'json'], {});
  let jsonResult: LoadResult;
  try {
    jsonResult = await runLoad({ url: json.base, connections: o.connections, duration: o.loadSeconds });
  } finally {
    await json.stop();
  }

  const name = `tb_bench_floor_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${name}`;
  try {
    const db = new pg.Client({ connectionString: url.toString() });
    await db.connect();
    await db.query('CREATE TABLE floor_tickets (id uuid PRIMARY KEY, order_id uuid)');
    const { rows } = await db.query<{ id: string }>(
      'INSERT INTO floor_tickets (id) SELECT gen_random_uuid() FROM generate_series(1, $1) RETURNING id',
      [o.floorRows],
    );
    await db.query('ANALYZE floor_tickets');
    await db.end();
    const lock = await spawnNode(['--import', 'tsx', 'infra/bench/floor-server.ts', 'lock'], { DATABASE_URL: url.toString() });
    try {
      const lockResult = await runLoad({
        url: lock.base,
        method: 'POST',
        connections: o.connections,
        duration: o.loadSeconds,
        bodies: rows.map((r) => JSON.stringify({ ticketId: r.id })),
      });
      return { json: jsonResult, lock: lockResult };
    } finally {
      await lock.stop();
    }
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}
