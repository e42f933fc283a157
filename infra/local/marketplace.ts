import type { Express } from 'express';
import {
  createHttpApp,
  sessionRevocations,
  SessionTokens,
  type Database,
  type EventBus,
  type Logger,
  type Service,
  type ServiceFactory,
} from '@ticketyboo/common';
import { createAuthService } from '@ticketyboo/auth';
import { createTicketsService } from '@ticketyboo/tickets';
import { createOrdersService } from '@ticketyboo/orders';
import { createExpirationService } from '@ticketyboo/expiration';
import { createPaymentsService } from '@ticketyboo/payments';

/** Every service of the marketplace. */
export const services: Record<string, ServiceFactory> = {
  auth: createAuthService,
  tickets: createTicketsService,
  orders: createOrdersService,
  expiration: createExpirationService,
  payments: createPaymentsService,
};

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
  env: NodeJS.ProcessEnv;
}

/** All services in one process, each mounted under its ingress prefix, sharing one bus. */
export async function startMarketplace(opts: MarketplaceOptions): Promise<Marketplace> {
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
    Object.entries(services).map(async ([name, factory]) => {
      const db = await opts.openDatabase(name);
      dbs.push(db);
      dbOf.set(name, db);
      const service = factory({ db, bus: opts.bus, log: opts.log.child({ service: name }), tokens, env: opts.env });
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
  });
  return { app, stop };
}
