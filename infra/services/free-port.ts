import { createServer } from 'node:net';

/**
 * A port free right now, for a child process to listen on. The launcher, not the child, picks
 * it, so the gateway knows where each replica is before it starts.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
