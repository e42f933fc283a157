import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { eventually, startService, type ServiceHarness } from '@ticketyboo/common/testing';
import { authService, createAuthService } from './auth-service';

const PASSWORD = 'correct horse battery';
const uniqueEmail = () => `user-${randomUUID().slice(0, 8)}@example.com`;
let nextIp = 1;
/** A fresh client address; the test app trusts loopback proxies, so X-Forwarded-For names it. */
const newIp = () => `198.51.100.${nextIp++}`;

describe('password guessing the per-address limits do not see (postgres)', () => {
  let h: ServiceHarness;
  /** The delays the slowdown asked for: recorded, not waited. */
  let slept: number[] = [];

  beforeAll(async () => {
    h = await startService(
      { ...authService, create: (deps) => createAuthService(deps, { sleep: async (ms) => void slept.push(ms) }) },
      { bus: 'memory' },
      {
        TRUST_PROXY: 'loopback',
        AUTH_ATTEMPTS_PER_IP: '1000',
        AUTH_FAILURES_PER_ACCOUNT: '5',
        AUTH_SLOWDOWN_AFTER: '3',
        AUTH_SLOWDOWN_BASE_MS: '1000',
        AUTH_SLOWDOWN_MAX_MS: '8000',
      },
    );
  });
  afterAll(() => h.dispose());
  beforeEach(() => {
    slept = [];
  });

  const signup = (email: string) =>
    request(h.app).post('/api/users/signup').set('X-Forwarded-For', newIp()).send({ email, password: PASSWORD });
  const signin = (email: string, password: string, ip: string) =>
    request(h.app).post('/api/users/signin').set('X-Forwarded-For', ip).send({ email, password });

  it('tries at most 5 of 30 guesses sent at once from one address, and refuses the right password as the 30th', async () => {
    const email = uniqueEmail();
    await signup(email).expect(201);
    const attacker = newIp();
    const guesses = Array.from({ length: 30 }, (_, i) => (i === 29 ? PASSWORD : `guess ${i}`));
    const answers = await Promise.all(guesses.map((g) => signin(email, g, attacker)));
    const statuses = answers.map((a) => a.status);
    // Only a 401 means the password was checked.
    expect(statuses.filter((s) => s === 401)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(25);
    expect(statuses[29]).toBe(429);
    for (const refused of answers.filter((a) => a.status === 429)) {
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    }
    // The owner, elsewhere, is not locked out.
    await signin(email, PASSWORD, newIp()).expect(200);
  });

  it('slows guesses on one account from many addresses with a growing, capped delay, and never refuses the owner', async () => {
    const email = uniqueEmail();
    await signup(email).expect(201);
    for (let i = 0; i < 12; i++) await signin(email, `guess ${i}`, newIp()).expect(401);
    // Three free attempts, then 1 s doubling up to the 8 s cap, before each password check.
    expect(slept).toEqual([1000, 2000, 4000, 8000, 8000, 8000, 8000, 8000, 8000]);
    await signin(email, PASSWORD, newIp()).expect(200);
    expect(slept).toHaveLength(10);
    // The owner's success starts the count over.
    slept = [];
    await signin(email, 'one more typo', newIp()).expect(401);
    expect(slept).toEqual([]);
  });

  it('slows unknown emails the same way, so the delay tells nothing about who has an account', async () => {
    const ghost = uniqueEmail();
    for (let i = 0; i < 5; i++) await signin(ghost, `guess ${i}`, newIp()).expect(401);
    expect(slept).toEqual([1000, 2000]);
  });

  it("ends the user's other sessions on a password or email change, and keeps the one that made it", async () => {
    const email = uniqueEmail();
    const first = cookieOf(await signup(email).expect(201));
    const second = cookieOf(await signin(email, PASSWORD, newIp()).expect(200));
    const revoked = await h.events('session.revoked');
    const changed = await request(h.app)
      .patch('/api/users/currentuser')
      .set('Cookie', second)
      .send({ currentPassword: PASSWORD, password: 'a brand new secret' })
      .expect(200);
    const fresh = cookieOf(changed);
    expect(await currentUser(fresh)).toEqual({ id: changed.body.id, email });
    // The other browser is signed out, and so is the replaced cookie of this one.
    expect(await currentUser(first)).toBeNull();
    expect(await currentUser(second)).toBeNull();
    const sids = [first, second].map((c) => h.tokens.verify(c.replace(/^session=/, ''))!.sid);
    await eventually(() => (sids.every((sid) => revoked.some((e) => e.data.sid === sid)) ? true : undefined));

    // An email change does the same to the sessions started since.
    const third = cookieOf(await signin(email, 'a brand new secret', newIp()).expect(200));
    const again = await request(h.app)
      .patch('/api/users/currentuser')
      .set('Cookie', fresh)
      .send({ currentPassword: 'a brand new secret', email: uniqueEmail() })
      .expect(200);
    expect(await currentUser(third)).toBeNull();
    expect(await currentUser(cookieOf(again))).toEqual(again.body);
  });

  function cookieOf(res: request.Response): string {
    const raw = res.headers['set-cookie'] as unknown as string[];
    return raw.find((c) => c.startsWith('session='))!.split(';')[0]!;
  }

  async function currentUser(cookie: string): Promise<unknown> {
    return (await request(h.app).get('/api/users/currentuser').set('Cookie', cookie).expect(200)).body.currentUser;
  }
});
