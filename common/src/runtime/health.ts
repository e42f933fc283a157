import { Router } from 'express';

/** Something a service needs to serve: its database, the bus, Redis. */
export interface ReadinessCheck {
  name: string;
  /** Resolves when the dependency answers; rejects (or times out) when it does not. */
  check(): Promise<void>;
}

export interface ReadinessReport {
  ready: boolean;
  /** `ok`, or why not, per check; `started` and `draining` are the process's own state. */
  checks: Record<string, string>;
}

// A probe that hangs is as bad as one that fails, and kubelet gives up after its own timeout anyway.
const CHECK_TIMEOUT_MS = 2000;

/**
 * Liveness and readiness of one service process. Alive as soon as it listens; ready once its
 * migrations ran and its consumers started, and while every dependency answers; not ready again
 * from the moment it starts shutting down, so load balancers stop sending it work.
 */
export class Health {
  private started = false;
  private draining = false;

  constructor(private readonly checks: readonly ReadinessCheck[]) {}

  markStarted(): void {
    this.started = true;
  }

  markDraining(): void {
    this.draining = true;
  }

  async readiness(): Promise<ReadinessReport> {
    const checks: Record<string, string> = {
      started: this.started ? 'ok' : 'migrations and consumers not started yet',
    };
    if (this.draining) checks.draining = 'shutting down';
    // Dependencies are asked even while starting, so the report says what startup waits for.
    const results = await Promise.all(this.checks.map((c) => settle(c)));
    this.checks.forEach((c, i) => (checks[c.name] = results[i]!));
    return { ready: Object.values(checks).every((v) => v === 'ok'), checks };
  }

  /** GET /healthz (alive: 200 while the event loop turns) and GET /readyz (200 or 503 with the report). */
  router(): Router {
    const r = Router();
    r.get('/healthz', (_req, res) => void res.json({ status: 'ok' }));
    r.get('/readyz', async (_req, res) => {
      const report = await this.readiness();
      res.status(report.ready ? 200 : 503).json({ status: report.ready ? 'ready' : 'not ready', checks: report.checks });
    });
    return r;
  }
}

async function settle(c: ReadinessCheck): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`no answer within ${CHECK_TIMEOUT_MS} ms`), CHECK_TIMEOUT_MS);
  });
  try {
    return await Promise.race([c.check().then(() => 'ok'), timeout]);
  } catch (err) {
    return err instanceof Error ? err.message || err.name : String(err);
  } finally {
    clearTimeout(timer);
  }
}
