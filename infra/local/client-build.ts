import { spawn } from 'node:child_process';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as delay } from 'node:timers/promises';
import { stripVTControlCharacters } from 'node:util';
import { isAlive } from './data-dir-lock';

/** The Next.js client's workspace. */
export const CLIENT_DIR = resolve(__dirname, '../../client');

/** What the client's build output depends on: a change to any of these makes it stale. */
const SOURCES = ['app', 'components', 'lib', 'public', 'next.config.ts', 'proxy.ts', 'package.json', 'tsconfig.json'];
/** Written after a build succeeds, so a build cut short never counts as done. */
const STAMP = join(CLIENT_DIR, '.next', 'ticketyboo-build.json');
/** Held while building: `npm start` and the test setup may try at once, and two builds in one folder corrupt it. */
const LOCK = join(CLIENT_DIR, '.next-build.lock');

const requireFromClient = createRequire(join(CLIENT_DIR, 'package.json'));

export function nextVersion(): string {
  return (requireFromClient('next/package.json') as { version: string }).version;
}

async function newestChange(path: string): Promise<number> {
  const s = await stat(path).catch(() => undefined);
  if (!s) return 0;
  if (!s.isDirectory()) return s.mtimeMs;
  let newest = s.mtimeMs; // a deleted file shows only as its folder's change
  for (const entry of await readdir(path)) newest = Math.max(newest, await newestChange(join(path, entry)));
  return newest;
}

/** True when the last successful build is newer than every source and used this Next.js. */
export async function clientBuildIsCurrent(): Promise<boolean> {
  const [stampText, stamp] = await Promise.all([readFile(STAMP, 'utf8').catch(() => ''), stat(STAMP).catch(() => undefined)]);
  if (!stamp) return false;
  const built = JSON.parse(stampText) as { next?: string };
  if (built.next !== nextVersion()) return false;
  const sources = await Promise.all(SOURCES.map((s) => newestChange(join(CLIENT_DIR, s))));
  return Math.max(...sources) <= stamp.mtimeMs;
}

/** Removes the client's build and its cache, so the next start builds it as on a fresh clone (for the benchmark). */
export async function removeClientBuild(): Promise<void> {
  await rm(join(CLIENT_DIR, '.next'), { recursive: true, force: true });
}

export interface BuildLog {
  info(msg: string): void;
}

/** Builds the client unless its build is current; waits for a build another process is running. */
export async function ensureClientBuilt(log: BuildLog, signal?: AbortSignal): Promise<void> {
  if (await clientBuildIsCurrent()) return;
  await withLock(signal, async () => {
    if (await clientBuildIsCurrent()) return; // built by whoever held the lock
    log.info('Building the web client (first run, or its sources changed): usually under a minute');
    const started = Date.now();
    await rm(STAMP, { force: true });
    await runNextBuild((step) => log.info(`  web client: ${step}`), signal);
    await writeFile(STAMP, JSON.stringify({ next: nextVersion(), builtAt: new Date().toISOString() }));
    log.info(`Built the web client in ${Math.round((Date.now() - started) / 1000)} s`);
  });
}

/** The lines of `next build`'s output that say how far it has got. */
const STEP = /(Creating an optimized production build|Compiled|Running TypeScript|Collecting page data|Generating static pages|Finalizing page optimization)/;

function runNextBuild(onStep: (step: string) => void, signal?: AbortSignal): Promise<void> {
  const bin = requireFromClient.resolve('next/dist/bin/next');
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [bin, 'build'], {
      cwd: CLIENT_DIR,
      // Telemetry would try the network at every build; this machine may have none.
      env: { ...process.env, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group, so stopping kills the build's workers too.
      detached: true,
    });
    // Recorded so that a run killed with SIGKILL does not leave it building beside the next one.
    if (child.pid) void writeFile(join(LOCK, 'build-pid'), String(child.pid)).catch(() => undefined);
    let output = '';
    const keep = (text: string) => {
      output = (output + text).slice(-8000);
    };
    createInterface({ input: child.stdout }).on('line', (line) => {
      keep(line + '\n');
      const plain = stripVTControlCharacters(line).replace(/^[^A-Za-z]+/, '').trim();
      if (STEP.test(plain)) onStep(plain);
    });
    child.stderr.on('data', (d: Buffer) => keep(d.toString()));
    const onAbort = () => {
      if (child.pid) process.kill(-child.pid, 'SIGTERM');
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    child.on('error', reject);
    child.on('exit', (code, sig) => {
      signal?.removeEventListener('abort', onAbort);
      if (code === 0) resolvePromise();
      else reject(new Error(`next build failed (${sig ?? `exit ${code}`}):\n${output}`));
    });
  });
}

/** Ends the build an abandoned lock's holder left running (its own process group), then drops the lock. */
async function takeOver(): Promise<void> {
  const build = Number(await readFile(join(LOCK, 'build-pid'), 'utf8').catch(() => '0'));
  if (build && isAlive(build)) {
    process.kill(-build, 'SIGKILL');
    while (isAlive(build)) await delay(100);
  }
  await rm(LOCK, { recursive: true, force: true });
}

async function withLock(signal: AbortSignal | undefined, fn: () => Promise<void>): Promise<void> {
  for (;;) {
    signal?.throwIfAborted();
    try {
      await mkdir(LOCK);
      await writeFile(join(LOCK, 'pid'), String(process.pid));
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    // A lock whose holder died (or that never got its pid written) is abandoned.
    const holder = Number(await readFile(join(LOCK, 'pid'), 'utf8').catch(() => '0'));
    const age = Date.now() - ((await stat(LOCK).catch(() => undefined))?.mtimeMs ?? Date.now());
    if (holder ? !isAlive(holder) : age > 10_000) await takeOver();
    else await delay(500, undefined, { signal });
  }
  try {
    await fn();
  } finally {
    await rm(LOCK, { recursive: true, force: true });
  }
}
