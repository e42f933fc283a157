import request from 'supertest';
import { startService, type ServiceHarness } from '@ticketyboo/common/testing';
import { authService } from './auth-service';

// Next.js sets NODE_ENV=production inside `npm start`'s process after the first page it serves.
describe('the session cookie over plain http, after something sets NODE_ENV=production in the process', () => {
  let h: ServiceHarness;
  const before = process.env.NODE_ENV;
  beforeAll(async () => {
    h = await startService(authService, { bus: 'memory' });
  });
  afterAll(async () => {
    process.env.NODE_ENV = before;
    await h.dispose();
  });

  it('stays without Secure, so the browser still sends it back and the user stays signed in', async () => {
    process.env.NODE_ENV = 'production';
    const res = await request(h.app).post('/api/users/signup').send({ email: 'plain-http@example.com', password: 'a long password' }).expect(201);
    const cookie = res.get('set-cookie')![0]!;
    expect(cookie).not.toMatch(/Secure/);
    const signin = await request(h.app).post('/api/users/signin').send({ email: 'plain-http@example.com', password: 'a long password' }).expect(200);
    expect(signin.get('set-cookie')![0]).not.toMatch(/Secure/);
  });
});
