import { randomUUID } from 'node:crypto';
import type { Database, Queryable } from '../db/database';
import type { EventBus } from '../bus/event-bus';
import { eventSchemas, type EventData, type EventEnvelope, type EventSubject } from '../events/contract';
import type { Logger } from '../log';
import { currentContext } from '../observability/context';
import { eventsPublished, outboxLag } from '../observability/metrics';

/** A transaction that can also publish: the event row commits or rolls back with the change. */
export interface Tx extends Queryable {
  publish<S extends EventSubject>(subject: S, data: EventData<S>): Promise<void>;
  /** Runs `fn` once the transaction has committed (never if it rolls back), e.g. to wake waiters. */
  afterCommit(fn: () => void): void;
}

export interface OutboxOptions {
  /** How often the relay looks for rows left behind (e.g. by a crash between commit and publish). */
  pollMs?: number;
  batchSize?: number;
}

interface OutboxRow {
  [key: string]: unknown;
  seq: string;
  id: string;
  subject: EventSubject;
  payload: EventData<EventSubject>;
  created_at: Date;
  request_id: string | null;
}

/**
 * The transactional outbox and its relay. An event is published if and only if the transaction
 * that wrote it committed; the relay publishes with the row id as the bus message id, so a
 * relay that dies after publishing but before deleting the row causes no duplicate, and
 * several relays (replicas) never publish one row twice at once (SKIP LOCKED).
 */
export class Outbox {
  private readonly pollMs: number;
  private readonly batchSize: number;
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private again = false;
  private running = false;

  constructor(
    private readonly db: Database,
    private readonly bus: EventBus,
    private readonly log: Logger,
    opts: OutboxOptions = {},
  ) {
    this.pollMs = opts.pollMs ?? 1000;
    this.batchSize = opts.batchSize ?? 100;
  }

  async transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    let wrote = false;
    // Collected per attempt: a callback of a rolled-back attempt must not run.
    let committed: (() => void)[] = [];
    const result = await this.db.transaction((q) => {
      committed = [];
      return fn({
        query: (sql, params) => q.query(sql, params),
        exec: (sql) => q.exec(sql),
        afterCommit: (f) => void committed.push(f),
        publish: async (subject, data) => {
          // A payload that breaks the contract is a bug here, not something for consumers to discover.
          const checked = eventSchemas[subject].parse(data);
          await q.query('INSERT INTO outbox (id, subject, payload, request_id) VALUES ($1, $2, $3, $4)', [
            randomUUID(),
            subject,
            JSON.stringify(checked),
            currentContext().requestId ?? null,
          ]);
          wrote = true;
        },
      });
    });
    if (wrote) this.kick();
    for (const f of committed) f();
    return result;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.timer = setInterval(() => this.kick(), this.pollMs);
    this.timer.unref();
    this.kick();
  }

  async stop(): Promise<void> {
    this.running = false;
    clearInterval(this.timer);
    await this.flushing;
  }

  /** Publishes what is pending now; resolves when the outbox was empty at some point after the call. */
  async drain(): Promise<void> {
    this.kick();
    while (this.flushing) await this.flushing;
  }

  private kick(): void {
    if (!this.running) return;
    if (this.flushing) {
      this.again = true;
      return;
    }
    this.flushing = this.flushLoop().finally(() => {
      this.flushing = undefined;
    });
  }

  private async flushLoop(): Promise<void> {
    do {
      this.again = false;
      try {
        while ((await this.publishBatch()) === this.batchSize && this.running);
      } catch (err) {
        this.log.warn({ err }, 'outbox relay could not publish; will retry');
        return;
      }
    } while (this.again && this.running);
  }

  private publishBatch(): Promise<number> {
    // Taken and deleted in one statement; the delete commits only after every row was published.
    return this.db.transaction(async (tx) => {
      const { rows } = await tx.query<OutboxRow>(
        `DELETE FROM outbox WHERE seq IN (SELECT seq FROM outbox ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED)
         RETURNING seq, id, subject, payload, created_at, request_id`,
        [this.batchSize],
      );
      rows.sort((a, b) => Number(a.seq) - Number(b.seq));
      // Published together, so their frames leave in one write; in order, as NATS keeps a connection's order.
      await Promise.all(
        rows.map(async (row) => {
          const envelope: EventEnvelope = {
            id: row.id,
            subject: row.subject,
            occurredAt: row.created_at.toISOString(),
            ...(row.request_id ? { requestId: row.request_id } : {}),
            data: row.payload,
          };
          await this.bus.publish(row.subject, row.id, JSON.stringify(envelope));
          eventsPublished.inc({ subject: row.subject });
          outboxLag.observe({ subject: row.subject }, (Date.now() - row.created_at.getTime()) / 1000);
        }),
      );
      return rows.length;
    });
  }
}
