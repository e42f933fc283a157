import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnEntry, type RunningProcess } from '@ticketyboo/common/testing';

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

  it('refuses to start in production without JWT_KEY', async () => {
    await expect(start({ DATA_DIR: dataDir, JWT_KEY: '', NODE_ENV: 'production' })).rejects.toThrow(
      /exited with 1: JWT_KEY must be set when NODE_ENV=production/,
    );
  });
});
