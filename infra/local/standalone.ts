import { resolve } from 'node:path';
import { closeServer, createLogger, listen, onShutdown, portFromEnv, portOf } from '@ticketyboo/common';
import { loadJwtKey } from './jwt-key';
import { startMarketplace } from './marketplace';

/** `npm start`: the whole marketplace in one process, nothing to install. */
async function main(): Promise<void> {
  const env = process.env;
  const log = createLogger('ticketyboo');
  const dataDir = resolve(env.DATA_DIR ?? '.data');
  const port = portFromEnv(env, 3000);
  const marketplace = await startMarketplace({ dataDir, jwtKey: await loadJwtKey(env, dataDir), log, env });
  const server = await listen(marketplace.app, port);
  log.info({ dataDir }, `Ticketyboo is running at http://localhost:${portOf(server)}`);
  onShutdown(log, async () => {
    await closeServer(server);
    await marketplace.stop();
  });
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
