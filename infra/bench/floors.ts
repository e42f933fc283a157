import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { spawnNode, type RunningProcess } from '@ticketyboo/common/testing';
import { runLoad } from './load';
import type { LoadResult } from './load-spec';
import type { BenchOptions } from './options';

const POSTGRES_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface Floors {
  json: LoadResult;
  lock: LoadResult;
}

/** `n` processes of a floor server, as many as the services' replicas, so that both may use every core. */
async function floorProcesses(mode: 'json' | 'lock', n: number, env: NodeJS.ProcessEnv): Promise<RunningProcess[]> {
  return Promise.all(Array.from({ length: n }, () => spawnNode(['--import', 'tsx', 'infra/bench/floor-server.ts', mode], env)));
}

/** Floor A and floor B, bare Express 5 processes, under the same load generator. */
export async function measureFloors(o: BenchOptions): Promise<Floors> {
  const json = await floorProcesses('json', o.replicas, {});
  let jsonResult: LoadResult;
  try {
    jsonResult = await runLoad({ url: json.map((p) => p.base), connections: o.connections, duration: o.loadSeconds });
  } finally {
    await Promise.all(json.map((p) => p.stop()));
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
    const lock = await floorProcesses('lock', o.replicas, { DATABASE_URL: url.toString() });
    try {
      const lockResult = await runLoad({
        url: lock.map((p) => p.base),
        method: 'POST',
        connections: o.connections,
        duration: o.loadSeconds,
        bodies: rows.map((r) => JSON.stringify({ ticketId: r.id })),
      });
      return { json: jsonResult, lock: lockResult };
    } finally {
      await Promise.all(lock.map((p) => p.stop()));
    }
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}
