import type { Logger } from '@ticketyboo/common';
import { Replica, type ReplicaSpec } from './replica';
import type { Target } from './gateway';

const PROBE_EVERY_MS = 1000;
const FIRST_RESTART_DELAY_MS = 500;
const MAX_RESTART_DELAY_MS = 10_000;

/**
 * Keeps the topology's processes running, as a Deployment would: probes readiness every second
 * (the gateway sends traffic only to ready replicas), restarts a process that dies without being
 * asked to, with a growing delay, and stops them all on request.
 */
export class Supervisor {
  private readonly replicas: Replica[] = [];
  private stopping = false;
  private stopped: Promise<boolean> | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly log: Logger) {}

  /** Starts a process and keeps it running. */
  async add(spec: ReplicaSpec): Promise<Replica> {
    if (this.stopping) throw new Error('stopping');
    const replica = new Replica(spec, this.log);
    this.replicas.push(replica);
    await this.run(replica, FIRST_RESTART_DELAY_MS);
    this.timer ??= setInterval(() => void this.probeAll(), PROBE_EVERY_MS);
    return replica;
  }

  /** Resolves once every process is ready; rejects after `timeoutMs`, naming those that are not. */
  async waitUntilReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const states = await Promise.all(this.replicas.map((r) => r.probe()));
      if (states.every((s) => s === 'ready')) return;
      if (this.stopping) throw new Error('stopped while starting');
      if (Date.now() > deadline) {
        const late = this.replicas.filter((r) => r.state !== 'ready').map((r) => `${r.label} (${r.state})`);
        throw new Error(`not ready within ${timeoutMs} ms: ${late.join(', ')}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** The ready processes of one name, for the gateway. */
  targets(name: string): Target[] {
    return this.replicas.filter((r) => r.spec.name === name && r.state === 'ready').map((r) => ({ label: r.label, port: r.port }));
  }

  /** SIGTERM to every process; after `graceMs`, SIGKILL to any left. Resolves with whether all exited 0. */
  stopAll(graceMs: number): Promise<boolean> {
    // Once: a second SIGTERM would make a service give up its graceful stop.
    this.stopped ??= this.stopEach(graceMs);
    return this.stopped;
  }

  private async stopEach(graceMs: number): Promise<boolean> {
    this.stopping = true;
    clearInterval(this.timer);
    for (const r of this.replicas) r.signal('SIGTERM');
    const kill = setTimeout(() => {
      for (const r of this.replicas) {
        if (r.state === 'exited') continue;
        this.log.error({ replica: r.label }, `${r.label} did not stop in time; killing it`);
        r.signal('SIGKILL');
      }
    }, graceMs);
    const clean = await Promise.all(
      this.replicas.map(async (r) => {
        const code = await r.exited;
        const ok = r.spec.cleanExitCodes.includes(code);
        if (!ok) this.log.error({ replica: r.label, code }, `${r.label} exited with ${code}`);
        return ok;
      }),
    );
    clearTimeout(kill);
    return clean.every(Boolean);
  }

  private async run(replica: Replica, restartDelayMs: number): Promise<void> {
    await replica.start((code, signal) => {
      if (this.stopping) return;
      // A process that got as far as ready starts over soon; one that keeps dying waits longer each time.
      const delay = replica.reachedReady ? FIRST_RESTART_DELAY_MS : restartDelayMs;
      this.log.warn({ replica: replica.label, code, signal }, `${replica.label} exited; restarting in ${delay} ms`);
      setTimeout(() => {
        if (this.stopping) return;
        this.run(replica, Math.min(delay * 2, MAX_RESTART_DELAY_MS)).catch((err: unknown) =>
          this.log.error({ err, replica: replica.label }, 'restart failed'),
        );
      }, delay).unref();
    });
  }

  private async probeAll(): Promise<void> {
    await Promise.all(this.replicas.map((r) => r.probe()));
  }
}
