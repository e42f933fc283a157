import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import pg from 'pg';
import { eventually } from '@ticketyboo/common/testing';

const run = promisify(execFile);
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const POSTGRES_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * Restarts of the machine's own servers, with the commands the machine starts them with (see the
 * env notes). Each resolves once the server answers again.
 */
export const serverFaults = {
  async restartNats(pauseMs: number): Promise<void> {
    await run('start-stop-daemon', ['--stop', '--oknodo', '--retry', '10', '--exec', '/usr/sbin/nats-server']);
    await new Promise((r) => setTimeout(r, pauseMs));
    await run('start-stop-daemon', [
      '--start', '--oknodo', '--background', '--exec', '/usr/sbin/nats-server', '--',
      '-a', '127.0.0.1', '-p', '4222', '-js', '-sd', '/var/lib/nats-server', '-l', '/var/log/nats-server.log',
    ]);
    await eventually(async () => ((await tcpOpen(4222)) ? true : undefined), 20_000);
  },

  /** Redis comes back empty, as after losing its data: BullMQ's delayed jobs are gone. */
  async restartRedisEmpty(pauseMs: number): Promise<void> {
    const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
    await redis.flushall();
    await redis.call('SHUTDOWN', 'NOSAVE').catch(() => undefined);
    redis.disconnect();
    await new Promise((r) => setTimeout(r, pauseMs));
    await run('redis-server', [
      '--daemonize', 'yes', '--bind', '127.0.0.1', '-::1', '--port', '6379', '--save', '', '--appendonly', 'no',
      '--dir', '/var/lib/redis', '--logfile', '/var/log/redis/ci.log',
    ]);
    await eventually(async () => ((await tcpOpen(6379)) ? true : undefined), 20_000);
  },

  async restartPostgres(): Promise<void> {
    const version = readdirSync('/etc/postgresql')[0]!;
    await run('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'restart', '-m', 'fast']);
    await eventually(async () => {
      const c = new pg.Client({ connectionString: POSTGRES_URL });
      try {
        await c.connect();
        await c.query('SELECT 1');
        return true;
      } catch {
        return undefined;
      } finally {
        await c.end().catch(() => undefined);
      }
    }, 30_000);
  },
};

async function tcpOpen(port: number): Promise<boolean> {
  const { createConnection } = await import('node:net');
  return new Promise((resolve) => {
    const s = createConnection({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}
