import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { closeServer, createLogger, listen, MemoryBus, onShutdown, PgliteDatabase, portFromEnv, portOf } from '@ticketyboo/common';
import { loadJwtKey } from './jwt-key';
import { startMarketplace } from './marketplace';
import { WebClient } from './web-client';

/** `npm start`: the whole marketplace in one process, nothing to install. */
async function main(): Promise<void> {
  // Embedded everything: a Redis or NATS in the environment is for `npm run start:services`.
  const env: NodeJS.ProcessEnv = { ...process.env, REDIS_URL: undefined, NATS_URL: undefined, DATABASE_URL: undefined };
  const log = createLogger('ticketyboo');
  const dataDir = resolve(env.DATA_DIR ?? '.data');
  const port = portFromEnv(env, 3000);
  const bus = await MemoryBus.open(join(dataDir, 'bus'));
  const marketplace = await startMarketplace({
    openDatabase: async (service) => {
      const dir = join(dataDir, service);
      await mkdir(dir, { recursive: true });
      return PgliteDatabase.open(dir);
    },
    bus,
    jwtKey: await loadJwtKey(env, dataDir),
    log,
    env,
  });
  // The browser client answers whatever the APIs do not, so it is mounted after them.
  const client = new WebClient(log);
  marketplace.app.use(client.handler);
  const server = await listen(marketplace.app, port);
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
