import type { Server, ServerResponse } from 'node:http';
import type { Express } from 'express';

interface Draining {
  closing: boolean;
  inFlight: Set<ServerResponse>;
}

const tracked = new WeakMap<Server, Draining>();

// A crowd connecting at once (a thousand buyers for one hot ticket) overflowed Node's default
// accept queue of 511, and each refused connection retried a second later (npm run bench).
// Linux caps it at net.core.somaxconn.
const BACKLOG = 4096;

/** Listens on `port` (0: any free one), tracking requests in flight so `closeServer` can drain them. */
export function listen(app: Express, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen({ port, backlog: BACKLOG }, (err?: Error) => (err ? reject(err) : resolve(server)));
    const state: Draining = { closing: false, inFlight: new Set() };
    tracked.set(server, state);
    // Prepended, so it runs before the app can send headers.
    server.prependListener('request', (_req, res: ServerResponse) => {
      // A keep-alive connection may still bring a request after close: serve it, then hang up.
      if (state.closing) res.setHeader('connection', 'close');
      state.inFlight.add(res);
      res.once('close', () => {
        state.inFlight.delete(res);
        if (state.closing) server.closeIdleConnections();
      });
    });
  });
}

export function portOf(server: Server): number {
  const address = server.address();
  return typeof address === 'object' && address ? address.port : 0;
}

/**
 * Stops accepting connections and lets the requests in flight finish, each answered with
 * `Connection: close` so keep-alive clients go elsewhere next time. After `graceMs` whatever is
 * still open is cut. Resolves with whether every request finished in time.
 */
export function closeServer(server: Server, graceMs = 5000): Promise<boolean> {
  const state = tracked.get(server);
  if (state) {
    state.closing = true;
    for (const res of state.inFlight) if (!res.headersSent) res.setHeader('connection', 'close');
  }
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      server.closeAllConnections();
      resolve(false);
    }, graceMs);
    timer.unref();
    server.close(() => {
      clearTimeout(timer);
      resolve(true);
    });
    server.closeIdleConnections();
  });
}
