import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { closeServer, configureLogs, createLogger, listen, MemoryBus, onShutdown, parseConfig, PgDatabase, portOf, serveMetrics, type Logger } from '@ticketyboo/common';
import { serviceDatabaseUrls } from '../services/config';
import { ensureDatabase } from '../services/databases';
import { launcherConfig, type LauncherConfig } from './config';
import { claimDataDir } from './data-dir-lock';
import { loadJwtKey } from './jwt-key';
import { startMarketplace } from './marketplace';
import { openPostgresServer } from './postgres-server';
import { WebClient } from './web-client';

/**
 * Five services share one machine's PostgreSQL here, and every connection is a server process of
 * ~15 MB: three each keep npm start's memory in bounds after a rush (`npm run bench` measures it).
 */
const NPM_START_POOL_MAX = 3;

/** Cleanups of what has been started so far, run in reverse on shutdown or a failed start. */
type Cleanup = () => Promise<void>;

/**
 * `npm start`: the whole marketplace in one process, on a PostgreSQL server npm installed (or
 * POSTGRES_URL's), with the in-process bus and expiry timers.
 */
async function main(env: Record<string, string | undefined>, config: LauncherConfig, log: Logger, cleanups: Cleanup[]): Promise<void> {
  const dataDir = resolve(config.DATA_DIR);
  await mkdir(dataDir, { recursive: true });
  cleanups.push(await claimDataDir(dataDir));
  const jwtKey = await loadJwtKey(config, dataDir);
  const postgres = await openPostgresServer(config, dataDir, log);
  cleanups.push(() => postgres.stop());
  const databaseUrls = serviceDatabaseUrls(postgres.url, config);
  const bus = await MemoryBus.open(join(dataDir, 'bus'));
  cleanups.push(() => bus.close());
  const marketplace = await startMarketplace({
    openDatabase: async (service) => {
      const url = databaseUrls[service as keyof typeof databaseUrls];
      if (await ensureDatabase(url)) log.info(`Created the ${service} database`);
      return new PgDatabase(url, { max: config.DATABASE_POOL_MAX ?? NPM_START_POOL_MAX });
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
  const server = await listen(marketplace.app, config.PORT);
  cleanups.push(() => client.stop(), () => closeServer(server).then(() => undefined));
  const url = `http://localhost:${portOf(server)}`;
  log.info(`The API is up at ${url}/api (data in ${dataDir})`);
  // Off by default: a second port is one more thing to collide with on a laptop.
  if (config.METRICS_PORT !== undefined) {
    const metricsServer = await serveMetrics(config.METRICS_PORT);
    cleanups.push(() => closeServer(metricsServer, 1000).then(() => undefined));
    log.info(`Metrics for Prometheus on port ${portOf(metricsServer)} (/metrics)`);
  }
  void client.start(portOf(server)).then((ready) => {
    if (ready) log.info(`Ticketyboo is ready: ${url}`);
  });
}

// A Redis or NATS in the environment is for `npm run start:services`.
const env = { ...process.env, REDIS_URL: undefined, NATS_URL: undefined, DATABASE_URL: undefined };
const cleanups: Cleanup[] = [];
const stopAll = async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
};
try {
  // Read once: Next.js sets NODE_ENV=production in this process later, which must change nothing.
  const config = parseConfig(launcherConfig, env);
  configureLogs({ level: config.LOG_LEVEL, format: config.LOG_FORMAT });
  const log = createLogger('ticketyboo');
  onShutdown(log, stopAll);
  main(env, config, log, cleanups).catch(async (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    await stopAll().catch((e: unknown) => console.error(e));
    process.exit(1);
  });
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
}
