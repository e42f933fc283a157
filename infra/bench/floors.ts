import { freshPostgres, spawnNode, type RunningProcess } from '@ticketyboo/common/testing';
import { runLoad } from './load';
import type { LoadResult } from './load-spec';
import type { BenchOptions } from './options';

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

  // A database of its own on the same server, dropped afterwards.
  const database = await freshPostgres();
  try {
    await database.value.exec('CREATE TABLE floor_tickets (id uuid PRIMARY KEY, order_id uuid)');
    const { rows } = await database.value.query<{ id: string }>(
      'INSERT INTO floor_tickets (id) SELECT gen_random_uuid() FROM generate_series(1, $1) RETURNING id',
      [o.floorRows],
    );
    await database.value.exec('ANALYZE floor_tickets');
    const lock = await floorProcesses('lock', o.replicas, { DATABASE_URL: database.url });
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
    await database.dispose();
  }
}
