import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { PgDatabase } from '../db/pg-database';
import { JetStreamBus } from '../bus/jetstream-bus';
import { MemoryBus } from '../bus/memory-bus';
import type { EventBus } from '../bus/event-bus';

const ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const NATS_TEST_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

function suffix(): string {
  return randomBytes(6).toString('hex');
}

export interface Disposable<T> {
  value: T;
  dispose(): Promise<void>;
}

/** A fresh database on the real PostgreSQL server, dropped on dispose. */
export async function freshPostgres(): Promise<Disposable<PgDatabase> & { url: string }> {
  const name = `tb_test_${suffix()}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const db = new PgDatabase(url.toString(), { max: 10 });
  return {
    value: db,
    url: url.toString(),
    dispose: async () => {
      await db.close();
      const a = new pg.Client({ connectionString: ADMIN_URL });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.end();
    },
  };
}

/** A fresh pair of streams on the real NATS JetStream server, deleted on dispose. */
export async function freshJetStream(): Promise<Disposable<JetStreamBus> & { stream: string; subjectPrefix: string }> {
  const id = suffix();
  const stream = `TB_TEST_${id}`;
  const subjectPrefix = `tbtest${id}`;
  const bus = await JetStreamBus.connect({ servers: NATS_TEST_URL, stream, subjectPrefix });
  return {
    value: bus,
    stream,
    subjectPrefix,
    dispose: async () => {
      await bus.close();
      const nc = await connect({ servers: NATS_TEST_URL });
      const jsm = await jetstreamManager(nc);
      await jsm.streams.delete(stream).catch(() => false);
      await jsm.streams.delete(`${stream}_DEAD`).catch(() => false);
      await nc.close();
    },
  };
}

export function freshMemoryBus(): Disposable<MemoryBus> {
  const bus = new MemoryBus();
  return { value: bus, dispose: () => bus.close() };
}

export type BusKind = 'jetstream' | 'memory';

export async function freshBus(kind: BusKind): Promise<Disposable<EventBus>> {
  return kind === 'jetstream' ? freshJetStream() : freshMemoryBus();
}

/** Polls until `check` returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined> | T | undefined, timeoutMs = 5000, everyMs = 20): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/**
 * The two buses every contract and service suite runs on, each on real PostgreSQL: JetStream (the
 * services' topology) and the in-process bus of `npm start`.
 */
export const bothBuses: BusKind[] = ['jetstream', 'memory'];
