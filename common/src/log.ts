import pino from 'pino';
import { currentContext } from './observability/context';

export type Logger = pino.Logger;

/** `destination` is for tests that read the log; by default lines go to stdout. */
export function createLogger(name: string, destination?: pino.DestinationStream): Logger {
  // Every line says which request (and event) it belongs to, across services.
  const options = { name, level: process.env.LOG_LEVEL ?? 'info', mixin: () => ({ ...currentContext() }) };
  return destination ? pino(options, destination) : pino(options);
}
