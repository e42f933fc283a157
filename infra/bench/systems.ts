import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createLogger, JetStreamBus, type EventBus } from '@ticketyboo/common';
import { eventually, NATS_TEST_URL, NO_PER_USER_LIMITS, spawnEntry, type RunningProcess } from '@ticketyboo/common/testing';
import { ensureClientBuilt, removeClientBuild } from '../local/client-build';
import { footprintOf, type Footprint } from './footprint';
import { startTopology } from '../services/topology.test-helpers';

const POSTGRES_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** A running marketplace as the benchmark drives it. */
export interface SystemUnderTest {
  label: string;
  /** Where each API is served: the service's own port (no gateway in between, as behind an ingress). */
  urls: { auth: string; tickets: string; orders: string };
  /** Every replica of the loaded APIs: load is spread over them, as a Kubernetes Service spreads it. */
  replicaUrls: { tickets: string[]; orders: string[] };
  /** The services' event stream, to watch tickets change (services only). */
  events?: EventBus;
  /** A direct connection to a service's database, to seed in bulk or see a replica catch up (services only). */
  database?(service: 'tickets' | 'orders'): pg.Client;
  /** npm start only: how long its first and second runs took to answer, and its memory now. */
  startup?: Startups;
  footprint?(): Footprint;
  stop(): Promise<void>;
}

/** An API's collection URL on every replica, e.g. each orders process's /api/orders. */
export function apiUrls(sut: SystemUnderTest, api: 'tickets' | 'orders'): string[] {
  return sut.replicaUrls[api].map((u) => `${u}/api/${api}`);
}

export interface SystemSettings {
  jwtKey: string;
  /** How long a lock lasts. */
  lockSeconds: number;
  /** Processes per HTTP service on start:services (production runs at least 2). */
  replicas: number;
  /** Where the services write CPU profiles (node --cpu-prof), if anywhere. */
  profileDir?: string;
}

function environment(s: SystemSettings): NodeJS.ProcessEnv {
  return {
    JWT_KEY: s.jwtKey,
    ORDER_EXPIRATION_SECONDS: String(s.lockSeconds),
    // The benchmark signs up its buyers from one address.
    AUTH_ATTEMPTS_PER_IP: '1000000',
    // A few users stand in for a crowd: one seller lists 100,000 tickets, buyers order again and again.
    ...NO_PER_USER_LIMITS,
    ...(s.profileDir ? { SERVICE_NODE_ARGS: `--cpu-prof --cpu-prof-dir=${s.profileDir}` } : {}),
  };
}

/** `npm run start:services`: a process per service on the real PostgreSQL, JetStream and Redis. */
export async function startServices(s: SystemSettings): Promise<SystemUnderTest> {
  const n = s.replicas;
  const topology = await startTopology(['--replicas', `auth=${n},tickets=${n},orders=${n},payments=${n}`], environment(s));
  const url = (label: string) => {
    const u = topology.replicas.get(label)?.url;
    if (!u) throw new Error(`${label} has no URL`);
    return u;
  };
  const events = await JetStreamBus.connect({
    servers: NATS_TEST_URL,
    stream: topology.names.stream,
    subjectPrefix: topology.names.subjectPrefix,
    connectionName: 'bench',
  });
  const clients: pg.Client[] = [];
  return {
    label: 'start:services',
    urls: { auth: url('auth#1'), tickets: url('tickets#1'), orders: url('orders#1') },
    replicaUrls: {
      tickets: Array.from({ length: n }, (_, i) => url(`tickets#${i + 1}`)),
      orders: Array.from({ length: n }, (_, i) => url(`orders#${i + 1}`)),
    },
    events,
    database(service) {
      const u = new URL(POSTGRES_URL);
      u.pathname = `/${topology.names.databasePrefix}_${service}`;
      const client = new pg.Client({ connectionString: u.toString() });
      clients.push(client);
      return client;
    },
    async stop() {
      await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
      await events.close();
      await topology.stop();
      await topology.dispose();
    },
  };
}

/** Seconds from launch until the API answered, and until the home page did. */
export interface Startup {
  apiSeconds: number;
  homeSeconds: number;
}

export interface Startups {
  /** On an empty data folder; with `clientBuilt: false`, the web client was built too, as on a fresh clone. */
  first: Startup & { clientBuilt: boolean };
  /** The same data folder again, everything in place. */
  second: Startup;
}

/** Starts npm start on `dataDir` and waits for its home page. */
async function launch(s: SystemSettings, dataDir: string): Promise<{ proc: RunningProcess; startup: Startup }> {
  const began = performance.now();
  const proc = await spawnEntry('infra/local/standalone.ts', { ...environment(s), DATA_DIR: dataDir });
  const apiSeconds = (performance.now() - began) / 1000;
  // The home page answers 503 (a "being built" page) until the client is up.
  await eventually(async () => ((await fetch(proc.base).catch(() => undefined))?.status === 200 ? true : undefined), 600_000, 250);
  return { proc, startup: { apiSeconds, homeSeconds: (performance.now() - began) / 1000 } };
}

/**
 * `npm start`: the whole marketplace in one process on its embedded PostgreSQL and an in-process
 * bus. Started twice: the first run on an empty data folder (and, unless `clientBuilt`, with the
 * web client's build and its cache removed, as on a fresh clone), stopped, then started again.
 */
export async function startEmbedded(s: SystemSettings & { clientBuilt: boolean }): Promise<SystemUnderTest> {
  const log = createLogger('bench');
  if (s.clientBuilt) await ensureClientBuilt({ info: (msg) => log.info(msg) });
  else await removeClientBuild();
  const dataDir = await mkdtemp(join(tmpdir(), 'ticketyboo-bench-'));
  const first = await launch(s, dataDir);
  await first.proc.stop();
  const { proc, startup: second } = await launch(s, dataDir);
  const postmaster = Number((await readFile(join(dataDir, 'postgres', 'postmaster.pid'), 'utf8')).split('\n')[0]);
  return {
    label: 'npm start',
    urls: { auth: proc.base, tickets: proc.base, orders: proc.base },
    replicaUrls: { tickets: [proc.base], orders: [proc.base] },
    startup: { first: { ...first.startup, clientBuilt: s.clientBuilt }, second },
    // Its PostgreSQL runs in a session of its own, not as the process's child.
    footprint: () => footprintOf([proc.child.pid!, postmaster]),
    async stop() {
      await proc.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
