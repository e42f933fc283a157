import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { Delivery } from './event-bus';
import { MemoryBus, type MemoryBusJournalOptions } from './memory-bus';
import { eventually } from '../testing/test-infra';

const ROOT = resolve(__dirname, '../../..');

let dir: string;
const buses: MemoryBus[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ticketyboo-bus-'));
});

afterEach(async () => {
  while (buses.length) await buses.pop()!.close();
  await rm(dir, { recursive: true, force: true });
});

async function open(opts?: MemoryBusJournalOptions): Promise<MemoryBus> {
  const bus = await MemoryBus.open(join(dir, 'bus'), opts);
  buses.push(bus);
  return bus;
}

function inMemory(): MemoryBus {
  const bus = new MemoryBus();
  buses.push(bus);
  return bus;
}

/** Attaches a consumer that records each body it is handed and settles it as `settle` says (ack by default). */
async function collect(bus: MemoryBus, durable: string, settle: (d: Delivery) => void = (d) => d.ack(), ackWaitMs = 60_000) {
  const got: string[] = [];
  const consumer = await bus.consume({ durable, subject: 'user.created', ackWaitMs }, async (d) => {
    got.push(d.body);
    settle(d);
  });
  return { got, consumer };
}

const holdBack = (d: Delivery) => d.nak(60_000);
const has = (got: string[], n: number) => (got.length >= n ? true : undefined);

async function journalBytes(): Promise<number> {
  const files = await readdir(join(dir, 'bus'));
  const sizes = await Promise.all(files.map(async (f) => (await stat(join(dir, 'bus', f))).size));
  return sizes.reduce((a, b) => a + b, 0);
}

describe('MemoryBus.open: a journaled bus', () => {
  it('delivers after reopening a message the consumer had not acked when the bus closed', async () => {
    const bus = await open();
    const before = await collect(bus, 'worker', holdBack);
    await bus.publish('user.created', 'm1', 'one');
    await eventually(() => has(before.got, 1));
    await bus.close();

    const after = await collect(await open(), 'worker');
    await eventually(() => has(after.got, 1));
    expect(after.got).toEqual(['one']);
  });

  it('keeps what a durable recorded in the journal has not settled, though it has not attached since', async () => {
    let bus = await open();
    const sleeper = await collect(bus, 'sleeper');
    await sleeper.consumer.stop();
    const busy = await collect(bus, 'busy');
    await bus.publish('user.created', 'm1', 'one');
    await bus.publish('user.created', 'm2', 'two');
    await eventually(() => has(busy.got, 2));
    await bus.close();
    // Twice, so the first reopening's compaction has had its chance to drop them.
    await (await open()).close();
    bus = await open();

    const woken = await collect(bus, 'sleeper');
    await eventually(() => has(woken.got, 2));
    expect(woken.got).toEqual(['one', 'two']);
  });

  it('survives SIGKILL: every published message not acked is delivered, in order, after reopening', async () => {
    const script = join(dir, 'publisher.ts');
    await writeFile(
      script,
      `import { MemoryBus } from ${JSON.stringify(join(__dirname, 'memory-bus.ts'))};
      void (async () => {
        const bus = await MemoryBus.open(${JSON.stringify(join(dir, 'bus'))});
        for (let i = 0; i < 100; i++) await bus.publish('user.created', 'id-' + i, String(i));
        await bus.consume({ durable: 'worker', subject: 'user.created', ackWaitMs: 60_000 }, async (d) => {
          if (Number(d.body) < 50) return d.ack();
          console.log('holding ' + d.body);
          await new Promise(() => undefined);
        });
      })();`,
    );
    const child = spawn(join(ROOT, 'node_modules/.bin/tsx'), [script], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    // Once it holds message 50, it has published all 100 and acked 0–49.
    await new Promise<void>((r, reject) => {
      createInterface({ input: child.stdout }).on('line', (l) => l === 'holding 50' && r());
      child.once('exit', (code) => reject(new Error(`the publisher exited early (${code})`)));
    });
    const killed = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await killed;

    const bus = await open();
    const worker = await collect(bus, 'worker');
    // A marker, to know the redelivery is over.
    await bus.publish('user.created', 'marker', 'marker');
    await eventually(() => (worker.got.includes('marker') ? true : undefined));
    expect(worker.got).toEqual([...Array.from({ length: 50 }, (_, i) => String(50 + i)), 'marker']);
    // The relay, republishing after the crash, is de-duplicated.
    await bus.publish('user.created', 'id-99', '99 again');
    await bus.publish('user.created', 'marker-2', 'marker-2');
    await eventually(() => (worker.got.includes('marker-2') ? true : undefined));
    expect(worker.got).not.toContain('99 again');
  }, 30_000);

  it("does not redeliver what a durable acked; a new durable starts at the oldest message a known durable has not settled", async () => {
    const bus = await open();
    const a = await collect(bus, 'a');
    const b = await collect(bus, 'b', (d) => (d.body === 'one' ? d.ack() : holdBack(d)));
    for (const [id, body] of [['m1', 'one'], ['m2', 'two'], ['m3', 'three']]) await bus.publish('user.created', id!, body!);
    await eventually(() => (a.got.length === 3 && b.got.length === 3 ? true : undefined));
    await bus.close();

    const reopened = await open();
    // First: once b re-acks 'two', that one is forgotten too, and a durable created then starts at 'three'.
    const c = await collect(reopened, 'c');
    const a2 = await collect(reopened, 'a');
    const b2 = await collect(reopened, 'b');
    await reopened.publish('user.created', 'm4', 'four');
    await eventually(() => (a2.got.length >= 1 && b2.got.length >= 3 && c.got.length >= 3 ? true : undefined));
    expect(a2.got).toEqual(['four']);
    expect(b2.got).toEqual(['two', 'three', 'four']);
    // 'one' was settled by every known durable, so it was forgotten.
    expect(c.got).toEqual(['two', 'three', 'four']);
  });

  it('drops a msgId published before the restart, even once its message was compacted away', async () => {
    const bus = await open();
    const a = await collect(bus, 'a');
    await bus.publish('user.created', 'x', 'first');
    await eventually(() => has(a.got, 1));
    await bus.close();
    await (await open()).close();
    expect(await readFile(join(dir, 'bus', 'journal.jsonl'), 'utf8')).not.toContain('first');

    const reopened = await open();
    const a2 = await collect(reopened, 'a');
    await reopened.publish('user.created', 'x', 'again');
    await reopened.publish('user.created', 'y', 'marker');
    await eventually(() => has(a2.got, 1));
    expect(a2.got).toEqual(['marker']);
  });

  it('compacts the journal while running and on reopening, without losing what is unsettled', async () => {
    const padding = 'x'.repeat(1000);
    const total = 5000;
    const lastThree = new Set([total - 3, total - 2, total - 1].map(String));
    const bus = await open({ compactEvery: 1000 });
    const a = await collect(bus, 'a');
    const b = await collect(bus, 'b', (d) => (lastThree.has(d.body.split(' ')[0]!) ? holdBack(d) : d.ack()));
    for (let i = 0; i < total; i++) await bus.publish('user.created', randomUUID(), `${i} ${padding}`);
    await eventually(() => (a.got.length === total && b.got.length === total ? true : undefined));
    // Over 5 MB went through; fewer than 1,000 dropped messages (~1.2 MB with their acks) await the next rewrite.
    expect(await journalBytes()).toBeLessThan(2_000_000);
    await bus.close();

    const reopened = await open();
    // All that is left: the 5,000 ids of the duplicate window (~40 bytes each) and 3 messages.
    expect(await journalBytes()).toBeLessThan(250_000);
    const b2 = await collect(reopened, 'b');
    const a2 = await collect(reopened, 'a');
    await reopened.publish('user.created', randomUUID(), 'marker');
    await eventually(() => (b2.got.length >= 4 && a2.got.length >= 1 ? true : undefined));
    expect(b2.got.map((body) => body.split(' ')[0])).toEqual([...lastThree, 'marker']);
    expect(a2.got).toEqual(['marker']);
  });

  it('refuses a journal with a corrupt record, but not one whose last line a crash cut short', async () => {
    const bus = await open();
    await (await collect(bus, 'c')).consumer.stop();
    await bus.publish('user.created', 'm1', 'one');
    await bus.close();
    const file = join(dir, 'bus', 'journal.jsonl');
    const good = await readFile(file, 'utf8');

    await writeFile(file, `${good}{"t":"msg","seq":2,"subj`);
    const reopened = await open();
    const c = await collect(reopened, 'c');
    await eventually(() => has(c.got, 1));
    expect(c.got).toEqual(['one']);
    await reopened.close();

    await writeFile(file, `${good}{"t":"msg","seq":"two"}\n`);
    await expect(MemoryBus.open(join(dir, 'bus'))).rejects.toThrow(/journal\.jsonl:4: not a bus journal record/);
  });
});

describe.each([
  ['in memory', () => Promise.resolve(inMemory())],
  ['journaled', () => open()],
])('MemoryBus semantics, %s', (_kind, make) => {
  it("redelivers a nak'd message after its delay while later ones flow on", async () => {
    const bus = await make();
    const seen: [string, number][] = [];
    await bus.consume({ durable: 'w', subject: 'user.created', ackWaitMs: 60_000 }, async (d) => {
      seen.push([d.body, d.deliveryCount]);
      if (d.body === 'first' && d.deliveryCount === 1) d.nak(100);
      else d.ack();
    });
    await bus.publish('user.created', 'm1', 'first');
    await bus.publish('user.created', 'm2', 'second');
    await eventually(() => (seen.length === 3 ? true : undefined));
    expect(seen).toEqual([['first', 1], ['second', 1], ['first', 2]]);
  });

  it('redelivers a delivery left unsettled after ackWaitMs', async () => {
    const bus = await make();
    const w = await collect(bus, 'w', (d) => (d.deliveryCount === 1 ? undefined : d.ack()), 50);
    await bus.publish('user.created', 'm1', 'one');
    await eventually(() => has(w.got, 2));
    expect(w.got).toEqual(['one', 'one']);
  });

  it('splits the messages between workers on one durable, without duplicates', async () => {
    const bus = await make();
    const handled: string[][] = [[], []];
    for (const mine of handled) {
      await bus.consume({ durable: 'shared', subject: 'user.created', ackWaitMs: 60_000 }, async (d) => {
        mine.push(d.body);
        await new Promise((r) => setTimeout(r, 5));
        d.ack();
      });
    }
    const bodies = Array.from({ length: 20 }, (_, i) => `m${i}`);
    for (const b of bodies) await bus.publish('user.created', b, b);
    await eventually(() => (handled[0]!.length + handled[1]!.length >= 20 ? true : undefined));
    expect(handled[0]!.length).toBeGreaterThan(0);
    expect(handled[1]!.length).toBeGreaterThan(0);
    expect([...handled[0]!, ...handled[1]!].sort()).toEqual([...bodies].sort());
  });

  it('drops a duplicate msgId', async () => {
    const bus = await make();
    const w = await collect(bus, 'w');
    await bus.publish('user.created', 'same', 'one');
    await bus.publish('user.created', 'same', 'two');
    await bus.publish('user.created', 'other', 'three');
    await eventually(() => has(w.got, 2));
    expect(w.got).toEqual(['one', 'three']);
  });
});

it('new MemoryBus() keeps every message, so a durable created later starts from the first', async () => {
  const bus = inMemory();
  const early = await collect(bus, 'early');
  await bus.publish('user.created', 'm1', 'one');
  await eventually(() => has(early.got, 1));
  const late = await collect(bus, 'late');
  await eventually(() => has(late.got, 1));
  expect(late.got).toEqual(['one']);
});
