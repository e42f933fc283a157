import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Redis } from 'ioredis';
import { spawnOnServers } from '@ticketyboo/common/testing';
import { BACKEND_SERVICES } from '../services/topology';
import { bundleService } from './bundle-service';

const ROOT = resolve(__dirname, '../..');
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

interface Manifest {
  dependencies?: Record<string, string>;
}

/** The npm packages `npm ci --omit=dev -w @ticketyboo/<service>` installs at the top: its own and its workspace dependencies'. */
function productionPackages(service: string): Set<string> {
  const read = (dir: string) => JSON.parse(readFileSync(join(ROOT, dir, 'package.json'), 'utf8')) as Manifest;
  const own = Object.keys(read(service).dependencies ?? {});
  const workspaces = own.filter((d) => d.startsWith('@ticketyboo/')).map((d) => d.slice('@ticketyboo/'.length));
  return new Set([...own, ...workspaces.flatMap((w) => Object.keys(read(w).dependencies ?? {}))]);
}

// Where the Dockerfile puts it: <service>/dist/, so packages resolve from the root node_modules.
const outDir = (service: string) => join(ROOT, service, 'dist', `.test-${randomBytes(4).toString('hex')}`);

describe('the container build: each service bundled to plain JavaScript', () => {
  const dirs: string[] = [];
  afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

  it.each(BACKEND_SERVICES.map((s) => s.name))('%s: imports only packages its production install has, and runs with plain node', async (service) => {
    const dir = outDir(service);
    dirs.push(dir);
    const bundle = await bundleService(service, join(dir, 'main.js'));
    const installed = productionPackages(service);
    expect(bundle.packages.filter((p) => !installed.has(p))).toEqual([]);

    const bullPrefix = `tbtest-${randomBytes(4).toString('hex')}`;
    const running = await spawnOnServers(['--enable-source-maps', bundle.file], { NODE_ENV: 'production', REDIS_URL, BULLMQ_PREFIX: bullPrefix });
    try {
      const ready = await fetch(`${running.process.base}/readyz`);
      expect(ready.status).toBe(200);
      expect(await running.process.stop()).toBe(0);
    } finally {
      await running.dispose();
      const redis = new Redis(REDIS_URL);
      const keys = await redis.keys(`${bullPrefix}:*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
    }
  }, 60_000);
});
