import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { migrate, MemoryBus, Outbox, consumeWithInbox, createLogger, RetryLaterError, subscribe } from '../index';
import type { Database, EventBus, EventData, EventEnvelope } from '../index';
import { bothBuses, eventually, freshBus, freshPostgres } from '../testing';
import { JetStreamBus } from '../bus/jetstream-bus';

const log = createLogger('test');

function user(email = `u${randomUUID().slice(0, 8)}@example.com`, version = 0): EventData<'user.created'> {
  return { id: randomUUID(), email, version };
}

describe.each(bothBuses)('outbox, inbox and bus on PostgreSQL + %s', (busKind) => {
  let db: Database;
  let bus: EventBus;
  let outbox: Outbox;
  const disposers: (() => Promise<void>)[] = [];

  beforeEach(async () => {
    const d = await freshPostgres();
    const b = await freshBus(busKind);
    disposers.push(() => b.dispose(), () => d.dispose());
    db = d.value;
    bus = b.value;
    await migrate(db, [
      { name: 'test_001_applied', sql: 'CREATE TABLE applied (event_id uuid NOT NULL, email text NOT NULL)' },
    ]);
    outbox = new Outbox(db, bus, log, { pollMs: 50 });
    outbox.start();
  });

  afterEach(async () => {
    await outbox.stop();
    while (disposers.length) await disposers.pop()!();
  });

  function collect(subject: 'user.created' | 'user.updated', durable = 'collector') {
    const seen: EventEnvelope<'user.created' | 'user.updated'>[] = [];
    const ready = subscribe(bus, log, { durable, subject, handler: async (e) => void seen.push(e) });
    return { seen, ready };
  }

  it('publishes an event written in a committed transaction, once, with its payload', async () => {
    const { seen, ready } = collect('user.created');
    await ready;
    const data = user();
    await outbox.transaction(async (tx) => {
      await tx.publish('user.created', data);
    });
    await eventually(() => (seen.length === 1 ? true : undefined));
    expect(seen[0]!.data).toEqual(data);
    expect(seen[0]!.subject).toBe('user.created');
    // The relay drains what it published.
    await eventually(async () => ((await db.query('SELECT 1 FROM outbox')).rowCount === 0 ? true : undefined));
  });

  it('publishes nothing for a transaction that rolls back', async () => {
    const { seen, ready } = collect('user.created');
    await ready;
    const lost = user('rolled-back@example.com');
    await expect(
      outbox.transaction(async (tx) => {
        await tx.publish('user.created', lost);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const kept = user('committed@example.com');
    await outbox.transaction((tx) => tx.publish('user.created', kept));
    // Events are published in commit order, so once the later one arrives the earlier would have.
    await eventually(() => (seen.some((e) => e.data.id === kept.id) ? true : undefined));
    expect(seen.map((e) => (e.data as { email: string }).email)).toEqual(['committed@example.com']);
  });

  it('drops a second publish with the same message id (a relay retrying after a crash)', async () => {
    const { seen, ready } = collect('user.created');
    await ready;
    const env = { id: randomUUID(), subject: 'user.created', occurredAt: new Date().toISOString(), data: user() };
    await bus.publish('user.created', env.id, JSON.stringify(env));
    await bus.publish('user.created', env.id, JSON.stringify(env));
    const marker = { ...env, id: randomUUID(), data: user() };
    await bus.publish('user.created', marker.id, JSON.stringify(marker));
    await eventually(() => (seen.some((e) => e.id === marker.id) ? true : undefined));
    expect(seen.filter((e) => e.id === env.id)).toHaveLength(1);
  });

  it('applies a redelivered event once, and acks only after the effect committed', async () => {
    let failFirst = true;
    await consumeWithInbox(outbox, bus, log, {
      service: 'test',
      subject: 'user.created',
      handler: async (tx, data, event) => {
        await tx.query('INSERT INTO applied (event_id, email) VALUES ($1, $2)', [event.id, data.email]);
        if (failFirst) {
          failFirst = false;
          throw new Error('crash after the write, before commit');
        }
      },
    });
    const env = { id: randomUUID(), subject: 'user.created', occurredAt: new Date().toISOString(), data: user('once@example.com') };
    // The same event arriving twice under different message ids: the bus cannot tell, the inbox can.
    await bus.publish('user.created', randomUUID(), JSON.stringify(env));
    await bus.publish('user.created', randomUUID(), JSON.stringify(env));
    const marker = { ...env, id: randomUUID(), data: user('marker@example.com') };
    await bus.publish('user.created', randomUUID(), JSON.stringify(marker));
    const rows = await eventually(async () => {
      const r = await db.query<{ email: string }>('SELECT email FROM applied ORDER BY email');
      return r.rows.some((x) => x.email === 'marker@example.com') && r.rows.some((x) => x.email === 'once@example.com') ? r.rows : undefined;
    });
    expect(rows.map((r) => r.email)).toEqual(['marker@example.com', 'once@example.com']);
  });

  it('dead-letters a message that fails its schema and keeps consuming', async () => {
    const { seen, ready } = collect('user.created');
    await ready;
    const bad = { id: randomUUID(), subject: 'user.created', occurredAt: new Date().toISOString(), data: { id: 'nope' } };
    await bus.publish('user.created', bad.id, JSON.stringify(bad));
    await bus.publish('user.created', randomUUID(), 'not json at all');
    const good = user();
    await outbox.transaction((tx) => tx.publish('user.created', good));
    await eventually(() => (seen.some((e) => e.data.id === good.id) ? true : undefined));
    expect(seen).toHaveLength(1);
    const dead = await deadLetters(bus, 2);
    expect(dead).toHaveLength(2);
    expect(dead.join('\n')).toMatch(/bad user\.created payload/);
  });

  it('retries an event that arrives ahead of its predecessor until it can be applied', async () => {
    const applied: number[] = [];
    await subscribe(bus, log, {
      durable: 'versioned',
      subject: 'user.updated',
      handler: async (e) => {
        const expected = applied.length;
        if (e.data.version > expected) throw new RetryLaterError('waiting for an earlier version', 20);
        if (e.data.version === expected) applied.push(e.data.version);
      },
    });
    const id = randomUUID();
    for (const version of [2, 1, 0]) {
      const env = { id: randomUUID(), subject: 'user.updated', occurredAt: new Date().toISOString(), data: { id, email: 'v@example.com', version } };
      await bus.publish('user.updated', env.id, JSON.stringify(env));
    }
    await eventually(() => (applied.length === 3 ? true : undefined));
    expect(applied).toEqual([0, 1, 2]);
  });

  it('rejects a payload that breaks the contract before anything is written', async () => {
    await expect(
      outbox.transaction((tx) => tx.publish('user.created', { id: 'x' } as unknown as EventData<'user.created'>)),
    ).rejects.toThrow(z.ZodError);
    expect((await db.query('SELECT 1 FROM outbox')).rowCount).toBe(0);
  });
});

/** Reasons of the dead letters on the bus, once there are `n` of them. */
async function deadLetters(bus: EventBus, n: number): Promise<string[]> {
  if (bus instanceof MemoryBus) {
    return eventually(() => (bus.deadLetters.length >= n ? bus.deadLetters.map((d) => d.reason) : undefined));
  }
  if (bus instanceof JetStreamBus) return eventually(async () => {
    const reasons = await bus.readDeadLetters();
    return reasons.length >= n ? reasons : undefined;
  });
  throw new Error('unknown bus');
}

describe('a JetStream consumer with concurrency', () => {
  it('handles up to that many deliveries at once, never more, and settles every one once', async () => {
    const b = await freshBus('jetstream');
    let active = 0;
    let peak = 0;
    const handled: string[] = [];
    const consumer = await subscribe(b.value, log, {
      durable: 'concurrent',
      subject: 'user.created',
      concurrency: 4,
      handler: async (e) => {
        peak = Math.max(peak, ++active);
        await new Promise((r) => setTimeout(r, 50));
        active--;
        handled.push(e.id);
      },
    });
    try {
      for (let i = 0; i < 12; i++) {
        const env = { id: randomUUID(), subject: 'user.created', occurredAt: new Date().toISOString(), data: user() };
        await b.value.publish('user.created', env.id, JSON.stringify(env));
      }
      await eventually(() => (handled.length === 12 ? true : undefined));
      expect(peak).toBe(4);
      expect(new Set(handled).size).toBe(12);
    } finally {
      await consumer.stop();
      await b.dispose();
    }
  });
});
