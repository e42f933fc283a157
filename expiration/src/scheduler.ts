/**
 * The Scheduler port: calls `fire(orderId)` at about the time given. Adapters: BullMQ delayed
 * jobs on Redis, and in-process timers. A scheduler may lose a schedule (Redis flushed, a job
 * lost mid-run, a process gone) and may fire twice or for an order that no longer expires: the
 * expirations table decides, and `fire` is idempotent.
 */
export interface Scheduler {
  /** Idempotent per order: scheduling an order that is already scheduled adds nothing. */
  schedule(orderId: string, at: Date): Promise<void>;
  /** Forgets the order's schedule, if any. */
  cancel(orderId: string): Promise<void>;
  start(fire: (orderId: string) => Promise<void>): Promise<void>;
  /** Stops firing, waits for the fires in progress, and releases what the scheduler holds. */
  stop(): Promise<void>;
  /** Resolves when the store it keeps schedules in (Redis) answers; absent when there is none to ask. */
  ping?(): Promise<void>;
}
