import type { Logger } from '@ticketyboo/common';
import { freePort } from '../services/free-port';
import type { LauncherConfig } from './config';
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
export async function openPostgresServer(config: LauncherConfig, dataDir: string, log: Logger): Promise<PostgresServer> {
  if (config.POSTGRES_URL) return { url: config.POSTGRES_URL, stop: () => Promise.resolve() };
  const port = config.EMBEDDED_PG_PORT || (await freePort());
  const server = await startEmbeddedPostgres({ dataDir, port, say: (line) => log.info(line) });
  log.info(`PostgreSQL is running on 127.0.0.1:${port}`);
  return server;
}
