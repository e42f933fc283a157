import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { Redis } from 'ioredis';
import pg from 'pg';
import { NATS_TEST_URL, testJwtKey } from '@ticketyboo/common/testing';
import { BACKEND_SERVICES } from './topology';

const ROOT = resolve(__dirname, '../..');
const POSTGRES_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface ReplicaInfo {
  pid: number;
  /** http://127.0.0.1:<port> once it was ready. */
  url?: string;
}

export interface RunningTopology {
  /** The gateway. */
  base: string;
  launcher: ChildProcess;
  /** By label (`orders#2`): the latest run of each replica. */
  replicas: Map<string, ReplicaInfo>;
  /** Every pid the launcher started, restarts included. */
  pids: Set<number>;
  /** Names fresh to this run, for looking into its databases and stream. */
  names: { databasePrefix: string; stream: string; subjectPrefix: string };
  /** SIGTERM to the launcher: its exit code and how long it took. */
  stop(): Promise<{ code: number | null; ms: number }>;
  /** Kills whatever still runs, then drops the run's databases, streams and Redis keys. */
  dispose(): Promise<void>;
}

interface LauncherLine {
  msg?: string;
  replica?: string;
  pid?: number;
  url?: string;
}

/** `npm run start:services` with the given arguments, on databases, a stream and Redis keys of its own. */
export async function startTopology(args: string[], env: NodeJS.ProcessEnv = {}): Promise<RunningTopology> {
  const id = randomBytes(4).toString('hex');
  const names = { databasePrefix: `tb_test_${id}`, stream: `TB_TEST_${id}`, subjectPrefix: `tbtest${id}` };
  const bullPrefix = `tbtest${id}`;
  const launcher = spawn(process.execPath, ['--import', 'tsx', 'infra/services/start-services.ts', ...args], {
    cwd: ROOT,
    env: {
      ...process.env,
      LOG_LEVEL: 'info',
      PORT: '0',
      DATABASE_PREFIX: names.databasePrefix,
      NATS_STREAM: names.stream,
      NATS_SUBJECT_PREFIX: names.subjectPrefix,
      BULLMQ_PREFIX: bullPrefix,
      JWT_KEY: testJwtKey(),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const replicas = new Map<string, ReplicaInfo>();
  const pids = new Set<number>();
  let output = '';
  const base = new Promise<string>((resolveBase, reject) => {
    launcher.stderr.on('data', (d: Buffer) => (output += d.toString()));
    launcher.once('exit', (code) => reject(new Error(`start:services exited with ${code}: ${output.slice(-4000)}`)));
    createInterface({ input: launcher.stdout }).on('line', (line) => {
      // A replica's own lines are prefixed with its label; the launcher's are bare JSON.
      if (!line.startsWith('{')) return;
      const entry = JSON.parse(line) as LauncherLine;
      if (entry.replica && entry.pid) {
        pids.add(entry.pid);
        // "started" lines carry the pid, "ready" lines the URL too; a restart starts over.
        replicas.set(entry.replica, entry.url ? { pid: entry.pid, url: entry.url } : { pid: entry.pid });
      }
      const running = /running at (http:\/\/localhost:\d+)/.exec(entry.msg ?? '');
      if (running) resolveBase(running[1]!);
    });
  });
  const cleanUp = () => dropEverything(names, bullPrefix);
  const killAll = () => {
    for (const pid of [launcher.pid, ...pids]) {
      try {
        if (pid) process.kill(pid, 'SIGKILL');
      } catch {
        // Gone already.
      }
    }
  };
  let url: string;
  try {
    url = await base;
  } catch (err) {
    killAll();
    await cleanUp();
    throw err;
  }
  launcher.removeAllListeners('exit');
  return {
    base: url,
    launcher,
    replicas,
    pids,
    names,
    stop: () =>
      new Promise((resolveStop) => {
        const at = Date.now();
        if (launcher.exitCode !== null) return resolveStop({ code: launcher.exitCode, ms: 0 });
        launcher.once('exit', (code) => resolveStop({ code, ms: Date.now() - at }));
        launcher.kill('SIGTERM');
      }),
    dispose: async () => {
      killAll();
      await cleanUp();
    },
  };
}

/** Whether a process with this pid still exists. */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function dropEverything(names: RunningTopology['names'], bullPrefix: string): Promise<void> {
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  for (const { name } of BACKEND_SERVICES) await admin.query(`DROP DATABASE IF EXISTS ${names.databasePrefix}_${name} WITH (FORCE)`);
  await admin.end();
  const nc = await connect({ servers: NATS_TEST_URL });
  const jsm = await jetstreamManager(nc);
  for (const stream of [names.stream, `${names.stream}_DEAD`]) await jsm.streams.delete(stream).catch(() => false);
  await nc.close();
  const redis = new Redis(REDIS_URL);
  const keys = await redis.keys(`${bullPrefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
}
