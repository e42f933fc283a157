import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { eventually, spawnEntry, type RunningProcess } from '@ticketyboo/common/testing';

const start = (env: NodeJS.ProcessEnv) => spawnEntry('infra/local/standalone.ts', env);
const stop = (p: RunningProcess) => p.stop();

async function json(base: string, path: string, init: RequestInit = {}): Promise<{ status: number; body: unknown; cookie?: string }> {
  const res = await fetch(base + path, {
    ...init,
    headers: { 'content-type': 'application/json', ...(init.headers as Record<string, string>) },
  });
  const cookie = res.headers.getSetCookie()[0]?.split(';')[0];
  return { status: res.status, body: await res.json(), ...(cookie ? { cookie } : {}) };
}

describe('npm start (the single-process marketplace)', () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'ticketyboo-'));
  });
  afterEach(() => rm(dataDir, { recursive: true, force: true }));

  it('serves auth and keeps users and sessions across a restart', async () => {
    let app = await start({ DATA_DIR: dataDir, JWT_KEY: '' });
    expect(await json(app.base, '/api/users/currentuser')).toEqual({ status: 200, body: { currentUser: null } });
    const credentials = JSON.stringify({ email: 'newcomer@example.com', password: 'a long password' });
    const signup = await json(app.base, '/api/users/signup', { method: 'POST', body: credentials });
    expect(signup.status).toBe(201);
    expect(await stop(app)).toBe(0);

    app = await start({ DATA_DIR: dataDir, JWT_KEY: '' });
    try {
      // The session from before the restart is still valid: the generated key was kept.
      const me = await json(app.base, '/api/users/currentuser', { headers: { cookie: signup.cookie! } });
      expect(me.body).toEqual({ currentUser: signup.body });
      const out = await json(app.base, '/api/users/signout', { method: 'POST' });
      expect(out).toMatchObject({ status: 200, body: {} });
      const signin = await json(app.base, '/api/users/signin', { method: 'POST', body: credentials });
      expect(signin).toMatchObject({ status: 200, body: signup.body });
      const again = await json(app.base, '/api/users/signup', { method: 'POST', body: credentials });
      expect(again.status).toBe(409);
    } finally {
      expect(await stop(app)).toBe(0);
    }
  }, 180_000);

  it('serves tickets: a signed-in user lists one, everyone sees it, only the seller edits it', async () => {
    const app = await start({ DATA_DIR: dataDir, JWT_KEY: '' });
    try {
      const seller = await json(app.base, '/api/users/signup', {
        method: 'POST',
        body: JSON.stringify({ email: 'seller@example.com', password: 'a long password' }),
      });
      const listed = await json(app.base, '/api/tickets', {
        method: 'POST',
        headers: { cookie: seller.cookie! },
        body: JSON.stringify({ title: 'Glastonbury Friday', price: 120.5 }),
      });
      expect(listed).toMatchObject({ status: 201, body: { title: 'Glastonbury Friday', price: 120.5, status: 'available' } });
      const id = (listed.body as { id: string }).id;
      const all = await json(app.base, '/api/tickets');
      expect(all.body).toEqual([listed.body]);
      const edited = await json(app.base, `/api/tickets/${id}`, {
        method: 'PUT',
        headers: { cookie: seller.cookie! },
        body: JSON.stringify({ title: 'Glastonbury Friday', price: 99 }),
      });
      expect(edited).toMatchObject({ status: 200, body: { price: 99, version: 1 } });
      const prices = await json(app.base, `/api/tickets/${id}/prices`);
      expect((prices.body as { price: number }[]).map((p) => p.price)).toEqual([120.5, 99]);
      expect((await json(app.base, '/api/tickets', { method: 'POST', body: '{}' })).status).toBe(401);
    } finally {
      expect(await stop(app)).toBe(0);
    }
  }, 180_000);

  it('recovers after being killed with SIGKILL mid-traffic: every listing it answered 201 for is still there', async () => {
    let app = await start({ DATA_DIR: dataDir, JWT_KEY: '' });
    const seller = await json(app.base, '/api/users/signup', {
      method: 'POST',
      body: JSON.stringify({ email: 'seller@example.com', password: 'a long password' }),
    });
    const listed: string[] = [];
    let killed = false;
    const traffic = (async () => {
      for (let i = 0; !killed; i++) {
        const res = await json(app.base, '/api/tickets', {
          method: 'POST',
          headers: { cookie: seller.cookie! },
          body: JSON.stringify({ title: `Listing ${i}`, price: 10 + i }),
        }).catch(() => undefined);
        if (res?.status === 201) listed.push((res.body as { id: string }).id);
      }
    })();
    // Killed while requests are in flight: the database server it started is left running.
    await eventually(() => (listed.length >= 20 ? true : undefined), 60_000);
    app.child.kill('SIGKILL');
    killed = true;
    await traffic;

    app = await start({ DATA_DIR: dataDir, JWT_KEY: '' });
    try {
      const mine = await json(app.base, `/api/tickets?sellerId=${(seller.body as { id: string }).id}&limit=200`);
      const ids = new Set((mine.body as { id: string }[]).map((t) => t.id));
      expect(listed.filter((id) => !ids.has(id))).toEqual([]);
      const more = await json(app.base, '/api/tickets', {
        method: 'POST',
        headers: { cookie: seller.cookie! },
        body: JSON.stringify({ title: 'After the crash', price: 5 }),
      });
      expect(more.status).toBe(201);
    } finally {
      expect(await stop(app)).toBe(0);
    }
  }, 180_000);

  it('refuses a second npm start on the same data folder with a clear message, and the first keeps serving', async () => {
    const first = await start({ DATA_DIR: dataDir, JWT_KEY: '' });
    try {
      await expect(start({ DATA_DIR: dataDir, JWT_KEY: '' })).rejects.toThrow(
        new RegExp(`exited with 1: Another Ticketyboo \\(pid ${first.child.pid}\\) is already running on ${dataDir}`),
      );
      expect(await json(first.base, '/api/users/currentuser')).toEqual({ status: 200, body: { currentUser: null } });
    } finally {
      expect(await stop(first)).toBe(0);
    }
  }, 180_000);

  it('with POSTGRES_URL uses that server and starts none', async () => {
    const prefix = `tb_test_${randomBytes(4).toString('hex')}`;
    const app = await start({ DATA_DIR: dataDir, JWT_KEY: '', POSTGRES_URL: ADMIN_URL, DATABASE_PREFIX: prefix });
    try {
      const signup = await json(app.base, '/api/users/signup', {
        method: 'POST',
        body: JSON.stringify({ email: 'on-my-server@example.com', password: 'a long password' }),
      });
      expect(signup.status).toBe(201);
      const users = await onAdmin((c) => c.query(`SELECT email FROM users`), `${prefix}_auth`);
      expect(users.rows).toEqual([{ email: 'on-my-server@example.com' }]);
      expect(await readdir(dataDir)).not.toContain('postgres');
    } finally {
      expect(await stop(app)).toBe(0);
      for (const service of ['auth', 'tickets', 'orders', 'expiration', 'payments']) {
        await onAdmin((c) => c.query(`DROP DATABASE IF EXISTS ${prefix}_${service} WITH (FORCE)`));
      }
    }
  }, 180_000);

  it('names a bad variable and exits 1', async () => {
    await expect(start({ DATA_DIR: dataDir, EMBEDDED_PG_PORT: 'five' })).rejects.toThrow(/exited with 1: [\s\S]*EMBEDDED_PG_PORT: must be a port number/);
  });

  it('refuses to start in production without JWT_KEY', async () => {
    await expect(start({ DATA_DIR: dataDir, JWT_KEY: '', NODE_ENV: 'production' })).rejects.toThrow(
      /exited with 1: JWT_KEY must be set when NODE_ENV=production/,
    );
  });
});

const ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function onAdmin<T>(fn: (c: pg.Client) => Promise<T>, database = 'postgres'): Promise<T> {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${database}`;
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
