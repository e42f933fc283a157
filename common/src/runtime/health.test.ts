import express from 'express';
import request from 'supertest';
import { Health } from './health';

function appFor(health: Health) {
  const app = express();
  app.use(health.router());
  return app;
}

describe('Health: /healthz and /readyz', () => {
  it('is alive at once, and ready only once started and while every check answers', async () => {
    let redisUp = true;
    const health = new Health([
      { name: 'database', check: async () => undefined },
      { name: 'redis', check: async () => void (redisUp || (await Promise.reject(new Error('ECONNREFUSED')))) },
    ]);
    const app = appFor(health);
    expect((await request(app).get('/healthz')).status).toBe(200);
    const starting = await request(app).get('/readyz');
    expect(starting.status).toBe(503);
    expect(starting.body.checks).toEqual({ started: 'migrations and consumers not started yet', database: 'ok', redis: 'ok' });

    health.markStarted();
    expect(await request(app).get('/readyz')).toMatchObject({ status: 200, body: { status: 'ready' } });

    redisUp = false;
    const down = await request(app).get('/readyz');
    expect(down.status).toBe(503);
    expect(down.body.checks.redis).toBe('ECONNREFUSED');
  });

  it('turns unready when draining, though every dependency answers', async () => {
    const health = new Health([]);
    health.markStarted();
    health.markDraining();
    const res = await request(appFor(health)).get('/readyz');
    expect(res.status).toBe(503);
    expect(res.body.checks.draining).toBe('shutting down');
    expect((await request(appFor(health)).get('/healthz')).status).toBe(200);
  });

  it('reports a check that hangs as not answering, within the probe budget', async () => {
    const health = new Health([{ name: 'bus', check: () => new Promise<void>(() => undefined) }]);
    health.markStarted();
    const res = await request(appFor(health)).get('/readyz');
    expect(res.status).toBe(503);
    expect(res.body.checks.bus).toMatch(/no answer within/);
  });
});
