import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { closeServer, configureLogs, createLogger, listen, MemoryBus, onShutdown, parseConfig, PgliteDatabase, portOf } from '@ticketyboo/common';
import { launcherConfig } from './config';
import { loadJwtKey } from './jwt-key';
import { startMarketplace } from './marketplace';
import { WebClient } from './web-client';

/** `npm start`: the whole marketplace in one process, nothing to install. */
async function main(): Promise<void> {
  // Embedded everything: a Redis or NATS in the environment is for `npm run start:services`.
  const env = { ...process.env, REDIS_URL: undefined, NATS_URL: undefined, DATABASE_URL: undefined };
  // Read once: Next.js sets NODE_ENV=production in this process later, which must change nothing.
  const config = parseConfig(launcherConfig, env);
  configureLogs({ level: config.LOG_LEVEL, format: config.LOG_FORMAT });
  const log = createLogger('ticketyboo');
  const dataDir = resolve(config.DATA_DIR);
  const bus = await MemoryBus.open(join(dataDir, 'bus'));
  const marketplace = await startMarketplace({
    openDatabase: async (service) => {
      const dir = join(dataDir, service);
      await mkdir(dir, { recursive: true });
      return PgliteDatabase.open(dir);
    },
    bus,
    jwtKey: await loadJwtKey(config, dataDir),
    log,
    env,
  });
  // The browser client answers whatever the APIs do not, so it is mounted after them.
  const client = new WebClient(log);
  marketplace.app.use(client.handler);
  const server = await listen(marketplace.app, config.PORT);
  log.info({ dataDir }, `Ticketyboo is running at http://localhost:${portOf(server)}`);
  client.start(portOf(server));
  onShutdown(log, async () => {
    await closeServer(server);
    await client.stop();
    await marketplace.stop();
    await bus.close();
  });
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
