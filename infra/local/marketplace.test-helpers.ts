import { createLogger, type Database, type EventBus, type Logger } from '@ticketyboo/common';
import { freshMemoryBus, freshPostgres, testJwtKey, type Disposable } from '@ticketyboo/common/testing';
import { startMarketplace, type Marketplace } from './marketplace';

export interface TestMarketplace extends Marketplace {
  /** Each service's database, by service name. */
  dbs: Map<string, Database>;
  bus: EventBus;
  jwtKey: string;
  dispose(): Promise<void>;
}

/** The whole marketplace on the runtime of `npm start`: a fresh PostgreSQL database per service, the in-process bus. */
export async function startTestMarketplace(
  opts: { env?: NodeJS.ProcessEnv; bus?: EventBus; log?: Logger } = {},
): Promise<TestMarketplace> {
  const owned: Disposable<unknown>[] = [];
  const dbs = new Map<string, Database>();
  let bus = opts.bus;
  if (!bus) {
    const memory = freshMemoryBus();
    owned.push(memory);
    bus = memory.value;
  }
  const jwtKey = testJwtKey();
  const market = await startMarketplace({
    openDatabase: async (name) => {
      const db = await freshPostgres();
      owned.push(db);
      dbs.set(name, db.value);
      return db.value;
    },
    bus,
    jwtKey,
    log: opts.log ?? createLogger('test'),
    env: opts.env ?? {},
  });
  return {
    ...market,
    dbs,
    bus,
    jwtKey,
    async dispose() {
      await market.stop();
      for (const d of owned.reverse()) await d.dispose().catch(() => undefined);
    },
  };
}
