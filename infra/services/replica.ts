import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Logger } from '@ticketyboo/common';
import { freePort } from './free-port';
import type { ProcessName } from './topology';

/** How to run one process of the topology. */
export interface ReplicaSpec {
  name: ProcessName;
  /** 1-based, per name. */
  index: number;
  command: string;
  args: readonly string[];
  cwd: string;
  /** The process's environment, given the port it is to listen on. */
  env(port: number): NodeJS.ProcessEnv;
  /** Exit codes that mean it stopped as asked after SIGTERM. */
  cleanExitCodes: readonly number[];
  /** Polled like a readiness probe; 'any' counts any HTTP answer (the client has no /readyz). */
  ready: { path: string; expect: 'ok' | 'any' };
}

export type ReplicaState = 'starting' | 'ready' | 'unready' | 'exited';

const PROBE_TIMEOUT_MS = 1000;

/**
 * One running process of the topology, in its own process group so a signal reaches it alone
 * (and all it starts, for `npm run` children), not the launcher's terminal.
 */
export class Replica {
  state: ReplicaState = 'exited';
  /** Whether the current run got as far as ready (a crash loop never does). */
  reachedReady = false;
  port = 0;
  child: ChildProcess | undefined;
  /** Resolves with the exit code (or 1 when killed by a signal) of the current run. */
  exited: Promise<number> = Promise.resolve(0);

  constructor(
    readonly spec: ReplicaSpec,
    private readonly log: Logger,
  ) {}

  get label(): string {
    return `${this.spec.name}#${this.spec.index}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  async start(onExit: (code: number, signal: NodeJS.Signals | null) => void): Promise<void> {
    this.port = await freePort();
    this.state = 'starting';
    this.reachedReady = false;
    const child = spawn(this.spec.command, [...this.spec.args], {
      cwd: this.spec.cwd,
      env: this.spec.env(this.port),
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    this.child = child;
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on('line', (line) => process.stdout.write(`[${this.label}] ${line}\n`));
    }
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.state = 'exited';
        resolve(code ?? 1);
        onExit(code ?? 1, signal);
      });
    });
    this.log.info({ replica: this.label, pid: child.pid, port: this.port }, `${this.label} started, pid ${child.pid}`);
  }

  /** Asks the process whether it is ready, as kubelet would, and records the answer. */
  async probe(): Promise<ReplicaState> {
    if (this.state === 'exited') return this.state;
    const ok = await this.answers();
    // It may have died while we asked.
    if (this.hasExited()) return 'exited';
    // Read after the await: probes overlap, and only one should log the change.
    const before = this.state;
    this.state = ok ? 'ready' : before === 'starting' ? 'starting' : 'unready';
    if (this.state === 'ready' && before !== 'ready') {
      this.reachedReady = true;
      this.log.info(
        { replica: this.label, pid: this.pid, url: `http://127.0.0.1:${this.port}` },
        `${this.label} ready on http://127.0.0.1:${this.port}`,
      );
    }
    if (this.state === 'unready' && before === 'ready') this.log.warn({ replica: this.label }, `${this.label} is not ready`);
    return this.state;
  }

  private async answers(): Promise<boolean> {
    try {
      const res = await fetch(`http://127.0.0.1:${this.port}${this.spec.ready.path}`, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
      await res.body?.cancel();
      return this.spec.ready.expect === 'any' || res.ok;
    } catch {
      return false;
    }
  }

  private hasExited(): boolean {
    return this.state === 'exited';
  }

  /** Sends a signal to the process group. */
  signal(sig: NodeJS.Signals): void {
    if (this.state === 'exited' || !this.child?.pid) return;
    try {
      process.kill(-this.child.pid, sig);
    } catch {
      // Already gone.
    }
  }
}
