import { appendFileSync, closeSync, fsyncSync, openSync, renameSync, writeFileSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { isEventSubject, type EventSubject } from '../events/contract';
import type { Consumer, ConsumerOptions, Delivery, EventBus } from './event-bus';

interface Message {
  seq: number;
  subject: EventSubject;
  msgId: string;
  body: string;
}

interface Pending {
  message: Message;
  deliveries: number;
}

export interface DeadLetter {
  subject: EventSubject;
  body: string;
  reason: string;
}

export interface MemoryBusJournalOptions {
  /** The journal is rewritten once this many settled messages were dropped since the last rewrite. */
  compactEvery?: number;
}

// Like JetStream's duplicate window, but counted in messages rather than minutes.
const DEDUPE_WINDOW = 100_000;
const COMPACT_EVERY = 10_000;
const JOURNAL_FILE = 'journal.jsonl';

/**
 * The in-process bus of the single-process runtime, with JetStream's semantics where the
 * services rely on them: a durable consumer starts from the first message kept and resumes where
 * it stopped, replicas sharing a durable split the work, a nak'd message comes back after its
 * delay while later ones flow on, and a duplicate msgId is dropped.
 *
 * `new MemoryBus()` keeps everything in memory, forever, so a durable created at any time starts
 * from the very first message. `MemoryBus.open(dir)` also journals to `dir`, so that what the
 * outbox relay handed over (and then deleted) outlives the process: on reopening, a durable gets
 * back every message it had not acked or terminated, and the duplicate window is intact. To keep
 * the journal bounded, it forgets the messages every known durable (attached or only recorded in
 * the journal) has settled, so a durable created later starts at the oldest message some known
 * durable had not settled when messages were last dropped. One process per folder at a time.
 */
export class MemoryBus implements EventBus {
  private readonly log: Message[] = [];
  private readonly seen = new Set<string>();
  private readonly durables = new Map<string, MemoryDurable>();
  readonly deadLetters: DeadLetter[] = [];
  private nextSeq = 1;
  private journal: Journal | undefined;
  private compactEvery = COMPACT_EVERY;
  private droppedSinceRewrite = 0;
  private closed = false;

  /** A bus journaled in `dir` (created if missing), resuming from what the journal holds. */
  static async open(dir: string, opts: MemoryBusJournalOptions = {}): Promise<MemoryBus> {
    await mkdir(dir, { recursive: true });
    const file = join(dir, JOURNAL_FILE);
    const bus = new MemoryBus();
    bus.compactEvery = opts.compactEvery ?? COMPACT_EVERY;
    bus.restore(await readJournal(file));
    bus.dropSettled();
    // Rewriting on open also discards a last line cut short by a crash, before anything is appended to it.
    bus.journal = Journal.create(file, bus.snapshot());
    return bus;
  }

  async publish(subject: EventSubject, msgId: string, body: string): Promise<void> {
    if (this.closed) throw new Error('bus is closed');
    if (this.seen.has(msgId)) return;
    const message = { seq: this.nextSeq, subject, msgId, body };
    // On file before the publisher hears back, since the publisher deletes its copy next.
    this.journal?.append({ t: 'msg', ...message });
    this.nextSeq += 1;
    this.remember(msgId);
    this.log.push(message);
    for (const d of this.durables.values()) d.offer(message);
  }

  async consume(opts: ConsumerOptions, onMessage: (d: Delivery) => Promise<void>): Promise<Consumer> {
    let durable = this.durables.get(opts.durable);
    if (!durable) {
      const from = this.log[0]?.seq ?? this.nextSeq;
      // Recorded at once: from now on nothing it has not settled may be dropped, even if it never attaches again.
      this.journal?.append({ t: 'durable', name: opts.durable, subject: opts.subject, from });
      durable = this.addDurable(opts.durable, opts.subject, from);
      for (const m of this.log) durable.offer(m);
    }
    // One delivery at a time, whatever opts.concurrency: the in-process bus keeps one cursor per durable;
    // concurrent application is JetStream's, and every suite runs on both buses.
    return durable.attach(onMessage, opts.ackWaitMs);
  }

  deadLetter(subject: EventSubject, body: string, reason: string): Promise<void> {
    this.deadLetters.push({ subject, body, reason });
    return Promise.resolve();
  }

  async close(): Promise<void> {
    this.closed = true;
    // The messages in hand may still be acked, and those acks belong in the journal.
    await Promise.all([...this.durables.values()].map((d) => d.stopAll()));
    this.journal?.close();
    this.journal = undefined;
  }

  private addDurable(name: string, subject: EventSubject, from: number): MemoryDurable {
    const durable = new MemoryDurable(name, subject, from, (seq) => this.settled(name, seq));
    this.durables.set(name, durable);
    return durable;
  }

  private remember(msgId: string): void {
    this.seen.add(msgId);
    if (this.seen.size > DEDUPE_WINDOW) {
      const oldest = this.seen.values().next().value;
      if (oldest !== undefined) this.seen.delete(oldest);
    }
  }

  private settled(durable: string, seq: number): void {
    // Only a journaled bus forgets: an in-memory one keeps its promise that a durable starts at the first message.
    if (!this.journal) return;
    this.journal.append({ t: 'settled', durable, seq });
    this.droppedSinceRewrite += this.dropSettled();
    if (this.droppedSinceRewrite >= this.compactEvery) {
      this.journal.rewrite(this.snapshot());
      this.droppedSinceRewrite = 0;
    }
  }

  /**
   * Forgets the messages before the oldest one some known durable has not settled (so messages
   * on subjects nobody consumes go too), and says how many.
   */
  private dropSettled(): number {
    let keepFrom = this.nextSeq;
    for (const d of this.durables.values()) keepFrom = Math.min(keepFrom, d.oldestUnsettled() ?? keepFrom);
    const kept = this.log.findIndex((m) => m.seq >= keepFrom);
    const count = kept === -1 ? this.log.length : kept;
    this.log.splice(0, count);
    return count;
  }

  /** Everything the bus must remember, as the records that rebuild it. */
  private snapshot(): JournalRecord[] {
    const records: JournalRecord[] = [{ t: 'base', nextSeq: this.nextSeq, dedupe: [...this.seen] }];
    for (const m of this.log) records.push({ t: 'msg', ...m });
    for (const d of this.durables.values()) {
      records.push({ t: 'durable', name: d.name, subject: d.subject, from: d.from });
      for (const m of this.log) {
        if (d.wasOffered(m) && !d.unsettled.has(m.seq)) records.push({ t: 'settled', durable: d.name, seq: m.seq });
      }
    }
    return records;
  }

  private restore(records: JournalRecord[]): void {
    const settled = new Map<string, Set<number>>();
    for (const r of records) {
      switch (r.t) {
        case 'base':
          this.nextSeq = r.nextSeq;
          for (const id of r.dedupe) this.remember(id);
          break;
        case 'msg':
          this.log.push({ seq: r.seq, subject: r.subject, msgId: r.msgId, body: r.body });
          this.remember(r.msgId);
          this.nextSeq = r.seq + 1;
          break;
        case 'durable':
          if (!this.durables.has(r.name)) this.addDurable(r.name, r.subject, r.from);
          break;
        case 'settled': {
          const done = settled.get(r.durable) ?? new Set<number>();
          settled.set(r.durable, done.add(r.seq));
          break;
        }
      }
    }
    for (const d of this.durables.values()) {
      const done = settled.get(d.name);
      for (const m of this.log) if (d.wasOffered(m) && !done?.has(m.seq)) d.offer(m);
    }
  }
}

type Handler = (d: Delivery) => Promise<void>;

class MemoryDurable {
  private readonly queue: Pending[] = [];
  /** Offered and not yet acked or terminated. Offered in sequence order, so the first is the oldest. */
  readonly unsettled = new Set<number>();
  private readonly workers = new Set<Worker>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    readonly name: string,
    readonly subject: EventSubject,
    /** The oldest message kept when it was created: where it started. */
    readonly from: number,
    private readonly onSettled: (seq: number) => void,
  ) {}

  wasOffered(message: Message): boolean {
    return message.subject === this.subject && message.seq >= this.from;
  }

  offer(message: Message): void {
    if (message.subject !== this.subject) return;
    this.unsettled.add(message.seq);
    this.queue.push({ message, deliveries: 0 });
    this.wake();
  }

  oldestUnsettled(): number | undefined {
    return this.unsettled.values().next().value;
  }

  attach(handler: Handler, ackWaitMs: number): Consumer {
    const worker = new Worker(this, handler, ackWaitMs);
    this.workers.add(worker);
    this.wake();
    return {
      stop: async () => {
        this.workers.delete(worker);
        await worker.stop();
      },
    };
  }

  take(): Pending | undefined {
    return this.queue.shift();
  }

  settle(p: Pending): void {
    this.unsettled.delete(p.message.seq);
    this.onSettled(p.message.seq);
  }

  redeliverLater(p: Pending, delayMs: number): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      this.queue.push(p);
      this.wake();
    }, delayMs);
    this.timers.add(t);
  }

  private wake(): void {
    for (const w of this.workers) w.wake();
  }

  async stopAll(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await Promise.all([...this.workers].map((w) => w.stop()));
    this.workers.clear();
  }
}

class Worker {
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly durable: MemoryDurable,
    private readonly handler: Handler,
    private readonly ackWaitMs: number,
  ) {}

  wake(): void {
    if (this.running || this.stopped) return;
    this.running = this.drain().finally(() => {
      this.running = undefined;
    });
  }

  private async drain(): Promise<void> {
    // Deliver asynchronously, as a real bus would: never inside the publisher's call stack.
    await Promise.resolve();
    while (!this.stopped) {
      const p = this.durable.take();
      if (!p) return;
      await this.deliver(p);
    }
  }

  private async deliver(p: Pending): Promise<void> {
    p.deliveries += 1;
    let settled = false;
    const settle = (then: () => void) => () => {
      if (settled) return;
      settled = true;
      then();
    };
    const delivery: Delivery = {
      body: p.message.body,
      deliveryCount: p.deliveries,
      ack: settle(() => this.durable.settle(p)),
      term: settle(() => this.durable.settle(p)),
      nak: (delayMs: number) => settle(() => this.durable.redeliverLater(p, delayMs))(),
    };
    try {
      await this.handler(delivery);
    } catch {
      // A handler that throws leaves the message unsettled, as a crashed JetStream client would.
    }
    if (!settled) settle(() => this.durable.redeliverLater(p, this.ackWaitMs))();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.running;
  }
}

const subjectSchema = z.custom<EventSubject>((s) => typeof s === 'string' && isEventSubject(s), 'unknown subject');
const seqSchema = z.number().int().positive();
const journalRecord = z.discriminatedUnion('t', [
  // First line after a rewrite: what the dropped messages leave behind.
  z.object({ t: z.literal('base'), nextSeq: seqSchema, dedupe: z.array(z.string()) }),
  z.object({ t: z.literal('msg'), seq: seqSchema, subject: subjectSchema, msgId: z.string(), body: z.string() }),
  z.object({ t: z.literal('durable'), name: z.string(), subject: subjectSchema, from: seqSchema }),
  // Acked or terminated.
  z.object({ t: z.literal('settled'), durable: z.string(), seq: seqSchema }),
]);
type JournalRecord = z.infer<typeof journalRecord>;

const line = (r: JournalRecord): string => `${JSON.stringify(r)}\n`;

/** JSON lines, appended as things happen and rewritten whole to shed what is no longer needed. */
class Journal {
  private constructor(
    private readonly file: string,
    private fd: number,
  ) {}

  static create(file: string, records: JournalRecord[]): Journal {
    writeAtomically(file, records);
    return new Journal(file, openSync(file, 'a'));
  }

  append(record: JournalRecord): void {
    // No fsync: the OS page cache outlives a crash or kill of this process, which is what this
    // bus must survive. Only a power loss could cost the last records, on a developer's machine.
    appendFileSync(this.fd, line(record));
  }

  rewrite(records: JournalRecord[]): void {
    // Closed first, as Windows may refuse to rename over an open file; reopened whether or not the rewrite worked.
    closeSync(this.fd);
    try {
      writeAtomically(this.file, records);
    } finally {
      this.fd = openSync(this.file, 'a');
    }
  }

  close(): void {
    closeSync(this.fd);
  }
}

/** Either the old file or the complete new one survives a crash at any point, never a mix. */
function writeAtomically(file: string, records: JournalRecord[]): void {
  const tmp = `${file}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    writeFileSync(fd, records.map(line).join(''));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
}

async function readJournal(file: string): Promise<JournalRecord[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const lines = text.split('\n');
  // After the last newline: nothing, or a record cut short by a crash, whose publish never returned.
  lines.pop();
  return lines.map((l, i) => {
    let value: unknown;
    try {
      value = JSON.parse(l);
    } catch {
      value = undefined;
    }
    const parsed = journalRecord.safeParse(value);
    if (!parsed.success) throw new Error(`${file}:${i + 1}: not a bus journal record: ${z.prettifyError(parsed.error)}`);
    return parsed.data;
  });
}
