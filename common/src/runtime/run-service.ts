import { join } from 'node:path';
import type { Server } from 'node:http';
import type { Express } from 'express';
import { JetStreamBus } from '../bus/jetstream-bus';
import { MemoryBus } from '../bus/memory-bus';
import type { EventBus } from '../bus/event-bus';
import type { Database } from '../db/database';
import { PgDatabase } from '../db/pg-database';
import { PgliteDatabase } from '../db/pglite-database';
import { createHttpApp } from '../http/create-app';
import { sessionRevocations } from '../session/revocations';
import { createLogger } from '../log';
import { SessionTokens } from '../session/session';
import { portFromEnv, requiredEnv } from './config';
import type { ServiceFactory } from './service';

/**
 * Runs one service alone, configured from the environment: PORT, DATABASE_URL (else embedded
 * PGlite in DATA_DIR/<name>), NATS_URL (else the in-process bus), JWT_KEY.
 */
export async function runService(name: string, factory: ServiceFactory, env = process.env): Promise<void> {
  const log = createLogger(name);
  const tokens = new SessionTokens(requiredEnv(env, 'JWT_KEY'));
  const db: Database = env.DATABASE_URL
    ? new PgDatabase(env.DATABASE_URL)
    : await PgliteDatabase.open(join(env.DATA_DIR ?? '.data', name));
  const bus: EventBus = env.NATS_URL
    ? await JetStreamBus.connect({
        servers: env.NATS_URL,
        stream: env.NATS_STREAM ?? 'TICKETYBOO',
        subjectPrefix: env.NATS_SUBJECT_PREFIX ?? 'ticketyboo',
        connectionName: name,
      })
    : new MemoryBus();
  const service = factory({ db, bus, log, tokens, env });
  await service.start();
  const app = createHttpApp({ log, tokens, isRevoked: (sid) => sessionRevocations.isRevoked(db, sid), mounts: service.mounts });
  const port = portFromEnv(env, 3000);
  const server = await listen(app, port);
  log.info({ port: portOf(server) }, `${name} listening on http://localhost:${portOf(server)}`);
  onShutdown(log, async () => {
    await closeServer(server);
    await service.stop();
    await bus.close();
    await db.close();
  });
}

export function listen(app: Express, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, (err?: Error) => (err ? reject(err) : resolve(server)));
  });
}

export function portOf(server: Server): number {
  const address = server.address();
  return typeof address === 'object' && address ? address.port : 0;
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}

/** Runs `stop` once on SIGTERM/SIGINT, then exits; a second signal exits at once. */
export function onShutdown(log: { info(msg: string): void; error(obj: unknown, msg: string): void }, stop: () => Promise<void>): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(1);
    stopping = true;
    log.info(`${signal}: shutting down`);
    stop().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
}
