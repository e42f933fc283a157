import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Express } from 'express';
import {
  createHttpApp,
  MemoryBus,
  PgliteDatabase,
  SessionTokens,
  type Database,
  type Logger,
  type Service,
  type ServiceFactory,
} from '@ticketyboo/common';
import { createAuthService } from '@ticketyboo/auth';
import { createTicketsService } from '@ticketyboo/tickets';
import { landingPage } from './landing-page';

/** Every service of the marketplace, in the order they start. */
export const services: Record<string, ServiceFactory> = {
  auth: createAuthService,
  tickets: createTicketsService,
};

export interface Marketplace {
  app: Express;
  stop(): Promise<void>;
}

/**
 * The whole marketplace in one process: each service on its own embedded PostgreSQL in
 * `dataDir/<service>` (in memory when dataDir is undefined), all on one in-process bus, each
 * mounted under its ingress prefix.
 */
export async function startMarketplace(opts: {
  dataDir: string | undefined;
  jwtKey: string;
  log: Logger;
  env: NodeJS.ProcessEnv;
}): Promise<Marketplace> {
  const bus = new MemoryBus();
  const tokens = new SessionTokens(opts.jwtKey);
  const dbs: Database[] = [];
  const started: Service[] = [];
  for (const [name, factory] of Object.entries(services)) {
    let dir: string | undefined;
    if (opts.dataDir) {
      dir = join(opts.dataDir, name);
      await mkdir(dir, { recursive: true });
    }
    const db = await PgliteDatabase.open(dir);
    dbs.push(db);
    const service = factory({ db, bus, log: opts.log.child({ service: name }), tokens, env: opts.env });
    await service.start();
    started.push(service);
  }
  const app = createHttpApp({ log: opts.log, tokens, mounts: started.flatMap((s) => s.mounts) });
  app.get('/', landingPage);
  return {
    app,
    async stop() {
      for (const s of started.reverse()) await s.stop();
      await bus.close();
      for (const db of dbs) await db.close();
    },
  };
}
