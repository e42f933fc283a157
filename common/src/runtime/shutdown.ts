export interface ShutdownLog {
  info(msg: string): void;
  error(obj: unknown, msg: string): void;
}

/** Kubernetes waits 30 s by default before SIGKILL; we promise 10 s, and keep a margin. */
export const SHUTDOWN_DEADLINE_MS = 9_500;

/**
 * A Ctrl-C under `npm run` arrives twice: from the terminal to the whole process group, and
 * forwarded by npm. A signal this soon after the first is that echo, not a second request.
 */
const ECHO_MS = 1000;

/**
 * Runs `stop` once on SIGTERM/SIGINT, then exits 0; a failed stop, a second signal or, when a
 * deadline is given, a stop that takes longer exits 1 at once.
 */
export function onShutdown(log: ShutdownLog, stop: () => Promise<void>, deadlineMs?: number): void {
  let stoppingSince: number | undefined;
  const handler = (signal: NodeJS.Signals) => {
    if (stoppingSince !== undefined) {
      if (Date.now() - stoppingSince < ECHO_MS) return;
      process.exit(1);
    }
    stoppingSince = Date.now();
    log.info(`${signal}: shutting down`);
    if (deadlineMs !== undefined) {
      setTimeout(() => {
        log.error({ deadlineMs }, 'shutdown took too long; exiting');
        process.exit(1);
      }, deadlineMs).unref();
    }
    stop().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
}
