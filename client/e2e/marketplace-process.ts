import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually, spawnEntry, type RunningProcess } from '@ticketyboo/common/testing';

export interface Marketplace {
  base: string;
  stop(): Promise<void>;
}

/** `npm start` in its own process on a free port and a fresh data folder, once the web client answers. */
export async function startMarketplace(env: NodeJS.ProcessEnv = {}): Promise<Marketplace> {
  const dataDir = await mkdtemp(join(tmpdir(), 'ticketyboo-e2e-'));
  let app: RunningProcess | undefined;
  try {
    app = await spawnEntry('infra/local/standalone.ts', { DATA_DIR: dataDir, JWT_KEY: '', ...env });
    const base = app.base;
    // The API listens first; the client is ready when / stops answering "starting" (503).
    await eventually(async () => ((await fetch(base)).status === 200 ? true : undefined), 120_000);
  } catch (err) {
    await app?.stop();
    await rm(dataDir, { recursive: true, force: true });
    throw err;
  }
  const running = app;
  return {
    base: running.base,
    stop: async () => {
      await running.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
