import { randomUUID } from 'node:crypto';
import { createLogger, subscribe, type EventEnvelope } from '@ticketyboo/common';
import { eventually, spawnOnServers } from '@ticketyboo/common/testing';

describe('auth as its own process (auth/src/main.ts)', () => {
  it('runs on PostgreSQL and JetStream from the environment, and publishes user.created to the stream', async () => {
    const running = await spawnOnServers('auth/src/main.ts');
    const { process: auth, pg, js } = running;
    try {
      const email = `proc-${randomUUID().slice(0, 8)}@example.com`;
      const res = await fetch(`${auth.base}/api/users/signup`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email, password: 'a long password' }),
      });
      expect(res.status).toBe(201);
      const user = (await res.json()) as { id: string };
      const seen: EventEnvelope<'user.created'>[] = [];
      await subscribe(js.value, createLogger('test'), {
        durable: 'reader',
        subject: 'user.created',
        handler: async (e) => void seen.push(e),
      });
      const event = await eventually(() => seen.find((e) => e.data.id === user.id));
      expect(event.data).toEqual({ id: user.id, email, version: 0 });
      const rows = await pg.value.query('SELECT email FROM users');
      expect(rows.rows).toEqual([{ email }]);
    } finally {
      expect(await auth.stop()).toBe(0);
      await running.dispose();
    }
  });
});
