import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { startService, type ServiceHarness } from '@ticketyboo/common/testing';
import { authService } from './auth-service';

const PASSWORD = 'correct horse battery';
const uniqueEmail = () => `user-${randomUUID().slice(0, 8)}@example.com`;
let nextIp = 1;
/** A fresh client address; the test app trusts a loopback proxy (as behind the gateway), so X-Forwarded-For names it. */
const newIp = () => `203.0.113.${nextIp++}`;

describe('auth rate limits (postgres)', () => {
  let h: ServiceHarness;
  beforeAll(async () => {
    h = await startService(authService, { bus: 'memory' }, { AUTH_ATTEMPTS_PER_IP: '8', AUTH_FAILURES_PER_ACCOUNT: '3', TRUST_PROXY: 'loopback' });
  });
  afterAll(() => h.dispose());

  const signup = (email: string, ip: string) =>
    request(h.app).post('/api/users/signup').set('X-Forwarded-For', ip).send({ email, password: PASSWORD });
  const signin = (email: string, password: string, ip: string) =>
    request(h.app).post('/api/users/signin').set('X-Forwarded-For', ip).send({ email, password });

  it('stops password guessing on an account from one address (429 with Retry-After), without locking the owner out', async () => {
    const email = uniqueEmail();
    await signup(email, newIp()).expect(201);
    const attacker = newIp();
    for (let i = 0; i < 3; i++) await signin(email, `guess ${i}`, attacker).expect(401);
    const blocked = await signin(email, PASSWORD, attacker).expect(429);
    expect(blocked.body).toEqual({ errors: [{ message: 'Too many wrong passwords; try again later' }] });
    const retryAfter = Number(blocked.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(900);
    // The owner, elsewhere, signs in as always.
    await signin(email, PASSWORD, newIp()).expect(200);
  });

  it('treats an unknown email exactly like a known one, so the limit tells nothing about who has an account', async () => {
    const ip = newIp();
    const ghost = uniqueEmail();
    for (let i = 0; i < 3; i++) await signin(ghost, `guess ${i}`, ip).expect(401);
    await signin(ghost, PASSWORD, ip).expect(429);
  });

  it("forgets a user's own typos once they get the password right", async () => {
    const email = uniqueEmail();
    const ip = newIp();
    await signup(email, ip).expect(201);
    await signin(email, 'typo one', ip).expect(401);
    await signin(email, 'typo two', ip).expect(401);
    await signin(email, PASSWORD, ip).expect(200);
    await signin(email, 'typo three', ip).expect(401);
    await signin(email, 'typo four', ip).expect(401);
    await signin(email, PASSWORD, ip).expect(200);
  });

  it('limits sign-ups and sign-ins per address, and only that address', async () => {
    const ip = newIp();
    for (let i = 0; i < 8; i++) await signup(uniqueEmail(), ip).expect(201);
    const res = await signup(uniqueEmail(), ip).expect(429);
    expect(res.body).toEqual({ errors: [{ message: 'Too many attempts; try again later' }] });
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    await signin(uniqueEmail(), PASSWORD, ip).expect(429);
    await signup(uniqueEmail(), newIp()).expect(201);
  });

  it('stops a stolen session from guessing the current password', async () => {
    const ip = newIp();
    const res = await signup(uniqueEmail(), ip).expect(201);
    const cookie = res.get('set-cookie')![0]!.split(';')[0]!;
    const change = (currentPassword: string) =>
      request(h.app)
        .patch('/api/users/currentuser')
        .set('X-Forwarded-For', ip)
        .set('Cookie', cookie)
        .send({ currentPassword, password: 'a brand new password' });
    for (let i = 0; i < 3; i++) await change(`guess ${i}`).expect(401);
    await change(PASSWORD).expect(429);
  });
});
