import { AsyncLocalStorage } from 'node:async_hooks';

/** What a log line or an event should say about why it happened. */
export interface TraceContext {
  /** The HTTP request that started the chain, carried across services on the events it caused. */
  requestId?: string | undefined;
  /** The event being handled, when there is one. */
  eventId?: string | undefined;
}

const storage = new AsyncLocalStorage<TraceContext>();

export function runInContext<T>(context: TraceContext, fn: () => T): T {
  return storage.run(context, fn);
}

export function currentContext(): TraceContext {
  return storage.getStore() ?? {};
}
