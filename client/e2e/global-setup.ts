import { ensureClientBuilt } from '../../infra/local/client-build';

/**
 * Before any test file runs: build the web client if its build is stale, once. Every test that
 * spawns `npm start` then finds it built, instead of several starting the same build at once.
 */
export default async function globalSetup(): Promise<void> {
  await ensureClientBuilt({ info: (msg) => console.log(`\n${msg}`) });
}
