import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { SessionTokens, type EventEnvelope } from '@ticketyboo/common';
import { bothBuses, eventually, startService, type ServiceHarness } from '@ticketyboo/common/testing';
import { authService } from './auth-service';

const uniqueEmail = () => `user-${randomUUID().slice(0, 8)}@example.com`;
const PASSWORD = 'correct horse battery';

function sessionCookie(res: request.Response): string {
  const raw = res.headers['set-cookie'] as unknown as string[] | undefined;
  const c = raw?.find((x) => x.startsWith('session='));
  if (!c) throw new Error('no session cookie set');
  return c;
}

describe.each(bothBuses)('auth on PostgreSQL + %s', (busKind) => {
  let h: ServiceHarness;
  let created: EventEnvelope<'user.created'>[];
  let updated: EventEnvelope<'user.updated'>[];

  beforeAll(async () => {
    // Behind a proxy on this machine, as under the gateway: its X-Forwarded-Proto counts.
    h = await startService(authService, { bus: busKind }, { TRUST_PROXY: 'loopback' });
    created = await h.events('user.created');
    updated = await h.events('user.updated');
  });
  afterAll(() => h.dispose());

  async function signup(email = uniqueEmail(), password = PASSWORD) {
    const res = await request(h.app).post('/api/users/signup').send({ email, password }).expect(201);
    return { res, cookie: sessionCookie(res).split(';')[0]!, id: res.body.id as string, email };
  }

  describe('signup', () => {
    it('creates the user, signs them in with an HttpOnly, SameSite=Lax cookie and publishes user.created', async () => {
      const email = uniqueEmail();
      const { res, cookie, id } = await signup(`  ${email.toUpperCase()} `);
      expect(res.body).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), email });
      expect(sessionCookie(res)).toMatch(/HttpOnly/);
      expect(sessionCookie(res)).toMatch(/SameSite=Lax/);
      expect(sessionCookie(res)).not.toMatch(/Secure/);
      const me = await request(h.app).get('/api/users/currentuser').set('Cookie', cookie).expect(200);
      expect(me.body).toEqual({ currentUser: { id, email } });
      const event = await eventually(() => created.find((e) => e.data.id === id));
      expect(event.data).toEqual({ id, email, version: 0 });
    });

    it('marks the cookie Secure when served over https behind a proxy', async () => {
      const res = await request(h.app)
        .post('/api/users/signup')
        .set('X-Forwarded-Proto', 'https')
        .send({ email: uniqueEmail(), password: PASSWORD })
        .expect(201);
      expect(sessionCookie(res)).toMatch(/Secure/);
    });

    it.each([
      [{ email: 'not-an-email', password: PASSWORD }, 'email'],
      [{ email: 42, password: PASSWORD }, 'email'],
      [{ password: PASSWORD }, 'email'],
      [{ email: uniqueEmail(), password: 'short' }, 'password'],
      [{ email: uniqueEmail(), password: 'x'.repeat(129) }, 'password'],
      [{ email: uniqueEmail(), password: 12345678 }, 'password'],
    ])('rejects %j with a 400 naming %s', async (body, field) => {
      const res = await request(h.app).post('/api/users/signup').send(body).expect(400);
      expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field, message: expect.any(String) })]));
    });

    it('accepts a password of exactly 8 and of 128 characters', async () => {
      await signup(uniqueEmail(), 'x'.repeat(8));
      await signup(uniqueEmail(), 'y'.repeat(128));
    });

    it('refuses an email already in use, whatever its case, with 409', async () => {
      const { email } = await signup();
      const res = await request(h.app)
        .post('/api/users/signup')
        .send({ email: email.toUpperCase(), password: PASSWORD })
        .expect(409);
      expect(res.body).toEqual({ errors: [{ message: 'Email in use', field: 'email' }] });
    });

    it('lets exactly one of three simultaneous signups with one email through', async () => {
      const email = uniqueEmail();
      const results = await Promise.all(
        [1, 2, 3].map(() => request(h.app).post('/api/users/signup').send({ email, password: PASSWORD })),
      );
      expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409]);
    });
  });

  describe('bad requests', () => {
    it('answers malformed JSON with 400', async () => {
      const res = await request(h.app)
        .post('/api/users/signup')
        .set('Content-Type', 'application/json')
        .send('{"email": ')
        .expect(400);
      expect(res.body).toEqual({ errors: [{ message: 'Malformed JSON in request body' }] });
    });

    it('answers a body over 100 kB with 413', async () => {
      const res = await request(h.app)
        .post('/api/users/signup')
        .send({ email: uniqueEmail(), password: 'p'.repeat(110_000) })
        .expect(413);
      expect(res.body.errors[0].message).toMatch(/too large/);
    });

    it.each([
      ['a JSON array', ['a']],
      ['a JSON string', '"text"'],
      ['no body', undefined],
    ])('answers %s with 400 on every route that takes a body', async (_name, body) => {
      for (const path of ['/api/users/signup', '/api/users/signin']) {
        const req = request(h.app).post(path);
        const res = body === undefined ? await req : await req.set('Content-Type', 'application/json').send(body as object);
        expect(res.status).toBe(400);
        expect(res.body.errors[0].message).toEqual(expect.any(String));
      }
    });

    it('answers unknown routes under /api with a JSON 404', async () => {
      for (const path of ['/api/users/nope', '/api/nothing-here']) {
        const res = await request(h.app).get(path).expect(404);
        expect(res.body.errors[0].message).toMatch(/No route/);
      }
    });
  });

  describe('signin and signout', () => {
    it('signs in with the right password, case-insensitively on the email', async () => {
      const { email, id } = await signup();
      const res = await request(h.app).post('/api/users/signin').send({ email: email.toUpperCase(), password: PASSWORD }).expect(200);
      expect(res.body).toEqual({ id, email });
      const me = await request(h.app).get('/api/users/currentuser').set('Cookie', sessionCookie(res).split(';')[0]!);
      expect(me.body.currentUser).toEqual({ id, email });
    });

    it('gives the same 401 for a wrong password and for an unknown email', async () => {
      const { email } = await signup();
      const wrong = await request(h.app).post('/api/users/signin').send({ email, password: 'wrong password' }).expect(401);
      const unknown = await request(h.app).post('/api/users/signin').send({ email: uniqueEmail(), password: PASSWORD }).expect(401);
      expect(wrong.body).toEqual({ errors: [{ message: 'Invalid credentials' }] });
      expect(unknown.body).toEqual(wrong.body);
      expect(wrong.headers['set-cookie']).toBeUndefined();
    });

    it('ends the session for good on sign-out, even for a copy of the cookie, and tells the other services', async () => {
      const { cookie, id, email } = await signup();
      const revoked = await h.events('session.revoked');
      await request(h.app).post('/api/users/signout').set('Cookie', cookie).expect(200);
      const me = await request(h.app).get('/api/users/currentuser').set('Cookie', cookie).expect(200);
      expect(me.body).toEqual({ currentUser: null });
      await request(h.app).patch('/api/users/currentuser').set('Cookie', cookie).send({ currentPassword: PASSWORD, password: 'another long one' }).expect(401);
      const sid = h.tokens.verify(cookie.replace(/^session=/, ''))!.sid;
      const event = await eventually(() => revoked.find((e) => e.data.sid === sid));
      expect(event.data).toEqual({ sid, userId: id, expiresAt: expect.any(String) });
      // Signing in again starts a new session.
      const again = await request(h.app).post('/api/users/signin').send({ email, password: PASSWORD }).expect(200);
      const fresh = sessionCookie(again).split(';')[0]!;
      expect((await request(h.app).get('/api/users/currentuser').set('Cookie', fresh)).body.currentUser).toEqual({ id, email });
    });

    it('signs out by clearing the cookie', async () => {
      await signup();
      const res = await request(h.app).post('/api/users/signout').expect(200);
      expect(res.body).toEqual({});
      expect(sessionCookie(res)).toMatch(/^session=;.*Expires=Thu, 01 Jan 1970/);
    });
  });

  describe('currentuser', () => {
    it('is null without a session, with a tampered one, and with an expired one', async () => {
      const { cookie, id, email } = await signup();
      const none = await request(h.app).get('/api/users/currentuser').expect(200);
      expect(none.body).toEqual({ currentUser: null });
      const [head, payload, sig] = cookie.replace('session=', '').split('.');
      const forged = Buffer.from(JSON.stringify({ id, email: 'admin@example.com', iat: 1, exp: 9_999_999_999 })).toString('base64url');
      for (const token of [`${head}.${forged}.${sig}`, `${head}.${payload}.${sig}x`, 'garbage']) {
        const res = await request(h.app).get('/api/users/currentuser').set('Cookie', `session=${token}`).expect(200);
        expect(res.body).toEqual({ currentUser: null });
      }
      const expired = new SessionTokens(h.jwtKey, -10).sign({ id, email });
      const res = await request(h.app).get('/api/users/currentuser').set('Cookie', `session=${expired}`).expect(200);
      expect(res.body).toEqual({ currentUser: null });
    });

    it('changes the email after checking the current password, and publishes user.updated', async () => {
      const { cookie, id } = await signup();
      const newEmail = uniqueEmail();
      const res = await request(h.app)
        .patch('/api/users/currentuser')
        .set('Cookie', cookie)
        .send({ currentPassword: PASSWORD, email: newEmail })
        .expect(200);
      expect(res.body).toEqual({ id, email: newEmail });
      const me = await request(h.app).get('/api/users/currentuser').set('Cookie', sessionCookie(res).split(';')[0]!);
      expect(me.body.currentUser.email).toBe(newEmail);
      await request(h.app).post('/api/users/signin').send({ email: newEmail, password: PASSWORD }).expect(200);
      const event = await eventually(() => updated.find((e) => e.data.id === id));
      expect(event.data).toEqual({ id, email: newEmail, version: 1 });
    });

    it('changes the password so only the new one signs in', async () => {
      const { cookie, email } = await signup();
      await request(h.app)
        .patch('/api/users/currentuser')
        .set('Cookie', cookie)
        .send({ currentPassword: PASSWORD, password: 'a brand new secret' })
        .expect(200);
      await request(h.app).post('/api/users/signin').send({ email, password: PASSWORD }).expect(401);
      await request(h.app).post('/api/users/signin').send({ email, password: 'a brand new secret' }).expect(200);
    });

    it('refuses a change without a session (401), with a wrong current password (401), to a taken email (409) or with nothing to change (400)', async () => {
      const { cookie } = await signup();
      const other = await signup();
      await request(h.app).patch('/api/users/currentuser').send({ currentPassword: PASSWORD, email: uniqueEmail() }).expect(401);
      const wrong = await request(h.app)
        .patch('/api/users/currentuser')
        .set('Cookie', cookie)
        .send({ currentPassword: 'not my password', email: uniqueEmail() })
        .expect(401);
      expect(wrong.body).toEqual({ errors: [{ message: 'Invalid credentials' }] });
      await request(h.app)
        .patch('/api/users/currentuser')
        .set('Cookie', cookie)
        .send({ currentPassword: PASSWORD, email: other.email })
        .expect(409);
      await request(h.app).patch('/api/users/currentuser').set('Cookie', cookie).send({ currentPassword: PASSWORD }).expect(400);
      const bad = await request(h.app)
        .patch('/api/users/currentuser')
        .set('Cookie', cookie)
        .send({ currentPassword: PASSWORD, password: 'short' })
        .expect(400);
      expect(bad.body.errors[0].field).toBe('password');
    });
  });
});
