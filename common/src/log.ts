import pino from 'pino';
import pretty from 'pino-pretty';
import { currentContext } from './observability/context';

export type Logger = pino.Logger;

export interface LogSettings {
  level: pino.LevelWithSilent;
  /** Unset: human-readable on a terminal, JSON lines otherwise (for log collectors). */
  format?: 'pretty' | 'json';
}

// Set once, at start, by the entry point from its parsed configuration (and by the tests' setup).
let settings: LogSettings = { level: 'info' };

export function configureLogs(next: LogSettings): void {
  settings = next;
}

/**
 * `destination` is for tests that read the log; by default lines go to stdout, written
 * asynchronously: under load, lines written while a write is in flight go out together, instead of
 * a blocking write per line (5–8% of a service's CPU in `npm run bench --profile`). pino flushes
 * what is left when the process exits.
 */
export function createLogger(name: string, destination?: pino.DestinationStream): Logger {
  // Every line says which request (and event) it belongs to, across services.
  const options = { name, level: settings.level, mixin: () => ({ ...currentContext() }) };
  return pino(options, destination ?? stdout());
}

export function logFormat(format: LogSettings['format'], isTerminal: boolean): 'pretty' | 'json' {
  return format ?? (isTerminal ? 'pretty' : 'json');
}

// One per process: two writers of big batches to one pipe could interleave their lines.
let shared: pino.DestinationStream | undefined;
function stdout(): pino.DestinationStream {
  if (logFormat(settings.format, process.stdout.isTTY) === 'pretty') {
    return (shared ??= pretty({ destination: 1, sync: false, ignore: 'pid,hostname', translateTime: 'SYS:HH:MM:ss.l' }));
  }
  return (shared ??= pino.destination({ dest: 1, sync: false }));
}
