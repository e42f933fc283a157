import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { testJwtKey } from './service-harness';
import { freshJetStream, freshPostgres, NATS_TEST_URL } from './test-infra';

const ROOT = resolve(__dirname, '../../..');

export interface RunningProcess {
  child: ChildProcess;
  /** http://localhost:<port>, from the line the process logs once it is ready. */
  base: string;
  /** Sends SIGTERM and resolves with the exit code. */
  stop(): Promise<number | null>;
}

/**
 * Runs a TypeScript entry point (relative to the repo root) as its own process, on a free port.
 * Node itself runs it with tsx's loader (not the tsx CLI, which would be a second process), so a
 * signal sent to `child` reaches the program.
 */
export function spawnEntry(entry: string, env: NodeJS.ProcessEnv): Promise<RunningProcess> {
  return spawnNode(['--import', 'tsx', entry], env);
}

/** Runs `node <args>` from the repo root on a free port; resolves once it logs its URL. */
export function spawnNode(args: string[], env: NodeJS.ProcessEnv): Promise<RunningProcess> {
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'info', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolvePromise, reject) => {
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => reject(new Error(`exited with ${code}: ${stderr}`)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      const m = /(http:\/\/localhost:\d+)/.exec(line);
      if (!m) return;
      resolvePromise({
        child,
        base: m[1]!,
        stop: () =>
          new Promise((res) => {
            child.removeAllListeners('exit');
            child.on('exit', (code) => res(code));
            child.kill('SIGTERM');
          }),
      });
    });
  });
}

export interface ProcessOnServers {
  process: RunningProcess;
  pg: Awaited<ReturnType<typeof freshPostgres>>;
  js: Awaited<ReturnType<typeof freshJetStream>>;
  /** Kills the process if it still runs, and drops its database and streams. */
  dispose(): Promise<void>;
}

/**
 * Runs a service on a fresh database and stream of the real PostgreSQL and JetStream servers:
 * a TypeScript entry point, or `node` with the given arguments (a built bundle).
 */
export async function spawnOnServers(entry: string | string[], env: NodeJS.ProcessEnv = {}): Promise<ProcessOnServers> {
  const pg = await freshPostgres();
  const js = await freshJetStream();
  const proc = await spawnNode(typeof entry === 'string' ? ['--import', 'tsx', entry] : entry, {
    DATABASE_URL: pg.url,
    NATS_URL: NATS_TEST_URL,
    NATS_STREAM: js.stream,
    NATS_SUBJECT_PREFIX: js.subjectPrefix,
    JWT_KEY: testJwtKey(),
    ...env,
  }).catch(async (err: unknown) => {
    await Promise.all([js.dispose(), pg.dispose()]);
    throw err;
  });
  return {
    process: proc,
    pg,
    js,
    dispose: async () => {
      proc.child.kill('SIGKILL');
      await js.dispose();
      await pg.dispose();
    },
  };
}
