import type { Logger } from '@ticketyboo/common';
import { freePort } from '../services/free-port';
import { startEmbeddedPostgres } from './embedded-postgres';

export interface PostgresServer {
  /** A URL of the server's `postgres` database; services get databases beside it. */
  url: string;
  /** Stops the server if this process started it. */
  stop(): Promise<void>;
}

/**
 * The server `npm start` keeps its databases on: POSTGRES_URL's when set (nothing is started),
 * otherwise the embedded one in DATA_DIR, on EMBEDDED_PG_PORT or a free local port.
 */
export async function openPostgresServer(env: NodeJS.ProcessEnv, dataDir: string, log: Logger): Promise<PostgresServer> {
  if (env.POSTGRES_URL) return { url: env.POSTGRES_URL, stop: () => Promise.resolve() };
  const port = env.EMBEDDED_PG_PORT ? Number(env.EMBEDDED_PG_PORT) : await freePort();
  if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new Error(`EMBEDDED_PG_PORT must be a port number, got "${env.EMBEDDED_PG_PORT}"`);
  const server = await startEmbeddedPostgres({ dataDir, port, say: (line) => log.info(line) });
  log.info({ port }, `PostgreSQL is running on 127.0.0.1:${port}`);
  return server;
}
