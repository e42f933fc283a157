import { Router } from 'express';
import request from 'supertest';
import { z } from 'zod';
import { ConflictError, ForbiddenError } from '../errors/http-errors';
import { createLogger } from '../log';
import { SessionTokens } from '../session/session';
import { createHttpApp } from './create-app';
import { requireAuth } from './session-middleware';
import { validate } from './validate';

function appWith(router: Router) {
  const log = createLogger('test');
  const errors: unknown[] = [];
  log.error = ((obj: unknown) => void errors.push(obj));
  const app = createHttpApp({ log, tokens: new SessionTokens('k'.repeat(32)), mounts: [{ prefix: '/api/things', router }] });
  return { app, errors };
}

describe('the shared HTTP shell', () => {
  const router = Router();
  router.get('/boom', () => {
    throw new Error('database password is hunter2');
  });
  router.get('/async-boom', async () => {
    await Promise.resolve();
    throw new TypeError('cannot read properties of undefined');
  });
  router.get('/mine', requireAuth, (_req, res) => void res.json({ ok: true }));
  router.get('/forbidden', () => {
    throw new ForbiddenError('Not your ticket');
  });
  router.get('/conflict', () => {
    throw new ConflictError('Ticket is already reserved');
  });
  router.post('/validated', (req, res) => {
    const body = validate(z.object({ price: z.number().positive(), title: z.string().min(1) }), req.body);
    res.status(201).json(body);
  });

  it('turns an unexpected error into a generic 500 with the request id, logged, without internals', async () => {
    const { app, errors } = appWith(router);
    for (const path of ['/api/things/boom', '/api/things/async-boom']) {
      const res = await request(app).get(path).set('x-request-id', 'req-123').expect(500);
      expect(res.body).toEqual({ errors: [{ message: 'Something went wrong (request req-123)' }] });
      expect(JSON.stringify(res.body)).not.toMatch(/hunter2|undefined|at /);
    }
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatchObject({ requestId: 'req-123' });
  });

  it('gives each request an id when the caller did not', async () => {
    const { app } = appWith(router);
    const res = await request(app).get('/api/things/mine');
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('maps 401, 403 and 409 to their JSON errors', async () => {
    const { app } = appWith(router);
    expect((await request(app).get('/api/things/mine').expect(401)).body).toEqual({ errors: [{ message: 'Not signed in' }] });
    expect((await request(app).get('/api/things/forbidden').expect(403)).body).toEqual({ errors: [{ message: 'Not your ticket' }] });
    expect((await request(app).get('/api/things/conflict').expect(409)).body).toEqual({
      errors: [{ message: 'Ticket is already reserved' }],
    });
  });

  it('names every invalid field in a 400', async () => {
    const { app } = appWith(router);
    const res = await request(app).post('/api/things/validated').send({ price: -1 }).expect(400);
    expect(res.body.errors).toEqual([
      { field: 'price', message: expect.any(String) },
      { field: 'title', message: expect.any(String) },
    ]);
    await request(app).post('/api/things/validated').send({ price: 5, title: 'ok' }).expect(201);
  });
});
