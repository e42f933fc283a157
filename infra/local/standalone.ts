import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { closeServer, createLogger, listen, MemoryBus, onShutdown, PgDatabase, portFromEnv, portOf, serveMetrics, type Logger } from '@ticketyboo/common';
import { serviceDatabaseUrls } from '../services/config';
import { ensureDatabase } from '../services/databases';
import { claimDataDir } from './data-dir-lock';
import { loadJwtKey } from './jwt-key';
import { startMarketplace } from './marketplace';
import { openPostgresServer } from './postgres-server';
import { WebClient } from './web-client';

/** Cleanups of what has been started so far, run in reverse on shutdown or a failed start. */
type Cleanup = () => Promise<void>;

/**
 * `npm start`: the whole marketplace in one process, on a PostgreSQL server npm installed (or
 * POSTGRES_URL's), with the in-process bus and expiry timers.
 */
async function main(log: Logger, cleanups: Cleanup[]): Promise<void> {
  // A Redis or NATS in the environment is for `npm run start:services`.
  const env: NodeJS.ProcessEnv = { ...process.env, REDIS_URL: undefined, NATS_URL: undefined, DATABASE_URL: undefined };
  const dataDir = resolve(env.DATA_DIR ?? '.data');
  const port = portFromEnv(env, 3000);
  await mkdir(dataDir, { recursive: true });
  cleanups.push(await claimDataDir(dataDir));
  const jwtKey = await loadJwtKey(env, dataDir);
  const postgres = await openPostgresServer(env, dataDir, log);
  cleanups.push(() => postgres.stop());
  const databaseUrls = serviceDatabaseUrls(postgres.url, env);
  const bus = await MemoryBus.open(join(dataDir, 'bus'));
  cleanups.push(() => bus.close());
  const marketplace = await startMarketplace({
    openDatabase: async (service) => {
      const url = databaseUrls[service as keyof typeof databaseUrls];
      if (await ensureDatabase(url)) log.info(`Created the ${service} database`);
      return new PgDatabase(url);
    },
    bus,
    jwtKey,
    log,
    env,
  });
  cleanups.push(() => marketplace.stop());
  // The browser client answers whatever the APIs do not, so it is mounted after them.
  const client = new WebClient(log);
  marketplace.app.use(client.handler);
  const server = await listen(marketplace.app, port);
  cleanups.push(() => client.stop(), () => closeServer(server).then(() => undefined));
  const url = `http://localhost:${portOf(server)}`;
  log.info({ dataDir }, `The API is up at ${url}/api`);
  // Off by default: a second port is one more thing to collide with on a laptop.
  if (env.METRICS_PORT) {
    const metricsServer = await serveMetrics(portFromEnv(env, 0, 'METRICS_PORT'));
    cleanups.push(() => closeServer(metricsServer, 1000).then(() => undefined));
    log.info(`Metrics for Prometheus on port ${portOf(metricsServer)} (/metrics)`);
  }
  void client.start(portOf(server)).then((ready) => {
    if (ready) log.info(`Ticketyboo is ready: ${url}`);
  });
}

const log = createLogger('ticketyboo');
const cleanups: Cleanup[] = [];
const stopAll = async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
};
onShutdown(log, stopAll);
main(log, cleanups).catch(async (err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  await stopAll().catch((e: unknown) => console.error(e));
  process.exit(1);
});
