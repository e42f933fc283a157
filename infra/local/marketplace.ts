import type { Express } from 'express';
import {
  baseConfig,
  ConfigError,
  createHttpApp,
  parseConfig,
  sessionRevocations,
  SessionTokens,
  type BaseConfig,
  type Database,
  type EventBus,
  type Logger,
  type Service,
  type ServiceDefinition,
} from '@ticketyboo/common';
import { authService } from '@ticketyboo/auth';
import { ticketsService } from '@ticketyboo/tickets';
import { ordersService } from '@ticketyboo/orders';
import { expirationService } from '@ticketyboo/expiration';
import { paymentsService } from '@ticketyboo/payments';

/** Every service of the marketplace. */
export const services: readonly ServiceDefinition[] = [authService, ticketsService, ordersService, expirationService, paymentsService];

export interface Marketplace {
  app: Express;
  /** Stops every service and closes the databases it opened; the bus is the caller's. */
  stop(): Promise<void>;
}

export interface MarketplaceOptions {
  /** Each service gets a database of its own. */
  openDatabase(service: string): Promise<Database>;
  bus: EventBus;
  jwtKey: string;
  log: Logger;
  /** Parsed by each service's schema (a variable's default is the service's own). */
  env: Record<string, string | undefined>;
}

/** All services in one process, each mounted under its ingress prefix, sharing one bus. */
export async function startMarketplace(opts: MarketplaceOptions): Promise<Marketplace> {
  const { shared, configs } = parseConfigs(opts.env);
  const tokens = new SessionTokens(opts.jwtKey);
  const dbs: Database[] = [];
  const dbOf = new Map<string, Database>();
  const started: Service[] = [];
  const stop = async () => {
    for (const s of started.reverse()) await s.stop();
    for (const db of dbs) await db.close();
  };
  // Services are independent of each other (they meet only on the bus), so they start side by side.
  const results = await Promise.allSettled(
    services.map(async (definition) => {
      const { name } = definition;
      const db = await opts.openDatabase(name);
      dbs.push(db);
      dbOf.set(name, db);
      const service = definition.create({ db, bus: opts.bus, log: opts.log.child({ service: name }), tokens, config: configs.get(name)! });
      await service.start();
      started.push(service);
    }),
  );
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) {
    await stop();
    throw failed.reason;
  }
  // One app for all: auth records a sign-out in its own database at once, so that is the one to ask.
  const authDb = dbOf.get('auth')!;
  const app = createHttpApp({
    log: opts.log,
    tokens,
    isRevoked: (sid) => sessionRevocations.isRevoked(authDb, sid),
    mounts: started.flatMap((s) => s.mounts),
    // One process reached directly: no proxy's X-Forwarded-For counts.
    trustProxy: shared.TRUST_PROXY,
    allowedOrigins: shared.ALLOWED_ORIGINS,
    publicOrigins: shared.PUBLIC_ORIGINS,
  });
  return { app, stop };
}

/** Every service's configuration, before anything starts: one error naming every bad variable. */
function parseConfigs(env: MarketplaceOptions['env']): { shared: BaseConfig; configs: Map<string, BaseConfig> } {
  const problems = new Set<string>();
  const attempt = <T>(parse: () => T): T | undefined => {
    try {
      return parse();
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      // A shared variable's problem is every service's: say it once.
      for (const line of err.message.split('\n').slice(1)) problems.add(line);
      return undefined;
    }
  };
  const shared = attempt(() => parseConfig(baseConfig, env));
  const configs = new Map(services.map((s) => [s.name, attempt(() => parseConfig(s.config, env))] as const));
  if (problems.size > 0 || !shared) throw new ConfigError(`Invalid configuration:\n${[...problems].join('\n')}`);
  return { shared, configs: configs as Map<string, BaseConfig> };
}
