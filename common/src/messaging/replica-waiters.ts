/** A wake-up for one waiting request: resolves true when its id was applied, false when time ran out. */
interface Wake {
  woken: Promise<boolean>;
  cancel(): void;
}

/**
 * Requests waiting for an entity to reach this service's replica (a ticket just listed, an order
 * just placed), woken by the consumer that applied it rather than polling the database: 300
 * pollers at once each held a pool connection every 25 ms and starved the rest. At most
 * `maxWaiters` wait at once; beyond that a request is answered with what the replica has now.
 *
 * The consumer wakes only the requests of its own process: replicas of a service share one
 * durable consumer, so a request on another replica re-reads every `recheckMs` instead (a few reads
 * a second per waiting request, never every 25 ms).
 */
export class ReplicaWaiters {
  private readonly waiting = new Map<string, Set<(woken: boolean) => void>>();
  private count = 0;

  constructor(
    private readonly maxWaiters: number,
    private readonly recheckMs: number,
  ) {}

  /** Wakes every request waiting for `id`; call it once the change is committed. */
  applied(id: string): void {
    const wakers = this.waiting.get(id);
    if (!wakers) return;
    this.waiting.delete(id);
    for (const wake of wakers) wake(true);
  }

  /**
   * `read()` once, and again each time `id` is applied, until `done` says so or `timeoutMs` runs
   * out; returns the last read.
   */
  async waitFor<T>(id: string, read: () => Promise<T>, done: (value: T) => boolean, timeoutMs: number): Promise<T> {
    let value = await read();
    if (done(value) || this.count >= this.maxWaiters) return value;
    const deadline = Date.now() + timeoutMs;
    this.count++;
    try {
      for (;;) {
        const wake = this.register(id, Math.min(deadline - Date.now(), this.recheckMs));
        // Read again once registered: an apply between the last read and registering is not lost.
        value = await read();
        if (done(value)) {
          wake.cancel();
          return value;
        }
        // Not woken: another replica of this service may have applied it; out of time, a last look.
        if (!(await wake.woken) && Date.now() >= deadline) return read();
      }
    } finally {
      this.count--;
    }
  }

  private register(id: string, ms: number): Wake {
    let wakers = this.waiting.get(id);
    if (!wakers) this.waiting.set(id, (wakers = new Set()));
    const set = wakers;
    let wake!: (woken: boolean) => void;
    const woken = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => wake(false), Math.max(ms, 0)).unref();
      wake = (w) => {
        clearTimeout(timer);
        set.delete(wake);
        if (set.size === 0 && this.waiting.get(id) === set) this.waiting.delete(id);
        resolve(w);
      };
    });
    set.add(wake);
    return { woken, cancel: () => wake(false) };
  }
}
