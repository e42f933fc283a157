import pino from 'pino';
import { currentContext } from './observability/context';

export type Logger = pino.Logger;

/**
 * `destination` is for tests that read the log; by default lines go to stdout, written
 * asynchronously: under load, lines written while a write is in flight go out together, instead of
 * a blocking write per line (5–8% of a service's CPU in `npm run bench --profile`). pino flushes
 * what is left when the process exits.
 */
export function createLogger(name: string, destination?: pino.DestinationStream): Logger {
  // Every line says which request (and event) it belongs to, across services.
  const options = { name, level: process.env.LOG_LEVEL ?? 'info', mixin: () => ({ ...currentContext() }) };
  return pino(options, destination ?? stdout());
}

// One per process: two writers of big batches to one pipe could interleave their lines.
let shared: pino.DestinationStream | undefined;
function stdout(): pino.DestinationStream {
  return (shared ??= pino.destination({ dest: 1, sync: false }));
}
