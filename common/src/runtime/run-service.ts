import { JetStreamBus } from '../bus/jetstream-bus';
import { MemoryBus } from '../bus/memory-bus';
import type { EventBus } from '../bus/event-bus';
import type { Database } from '../db/database';
import { PgDatabase } from '../db/pg-database';
import { createHttpApp } from '../http/create-app';
import { DEFAULT_METRICS_PORT, serveMetrics } from '../observability/metrics-server';
import { sessionRevocations } from '../session/revocations';
import { createLogger } from '../log';
import { SessionTokens } from '../session/session';
import { intFromEnv, portFromEnv, requiredEnv } from './config';
import { Health, type ReadinessCheck } from './health';
import { closeServer, listen, portOf } from './http-server';
import type { ServiceFactory } from './service';
import { onShutdown, SHUTDOWN_DEADLINE_MS } from './shutdown';

/**
 * Runs one service alone, configured from the environment: PORT, METRICS_PORT, DATABASE_URL, NATS_URL (else the in-process bus)
 * with NATS_STREAM, NATS_SUBJECT_PREFIX and NATS_STREAM_REPLICAS, JWT_KEY.
 *
 * It listens before it migrates, so /healthz answers at once and /readyz says when the service
 * is ready; on SIGTERM it turns unready, drains HTTP, stops its consumers, and exits 0.
 */
export async function runService(name: string, factory: ServiceFactory, env = process.env): Promise<void> {
  const log = createLogger(name);
  const tokens = new SessionTokens(requiredEnv(env, 'JWT_KEY'));
  const db: Database = new PgDatabase(requiredEnv(env, 'DATABASE_URL'));
  const bus = await openBus(name, env);
  const service = factory({ db, bus, log, tokens, env });
  const checks: ReadinessCheck[] = [{ name: 'database', check: async () => void (await db.query('SELECT 1')) }];
  if (bus instanceof JetStreamBus) checks.push({ name: 'bus', check: () => bus.ping() });
  const health = new Health([...checks, ...(service.readiness ?? [])]);
  const app = createHttpApp({
    log,
    tokens,
    isRevoked: (sid) => sessionRevocations.isRevoked(db, sid),
    mounts: [{ prefix: '/', router: health.router() }, ...service.mounts],
  });
  const server = await listen(app, portFromEnv(env, 3000));
  const port = portOf(server);
  const metricsServer = await serveMetrics(portFromEnv(env, DEFAULT_METRICS_PORT, 'METRICS_PORT'));
  // Not a URL: launchers and tests take the first http://localhost URL logged for the service's.
  log.info({ metricsPort: portOf(metricsServer) }, `${name} metrics on port ${portOf(metricsServer)} (/metrics)`);
  // The URL is logged once ready, below: launchers and tests wait for that line.
  log.info({ port }, `${name} listening on port ${port}, starting`);
  const starting = service.start();
  onShutdown(log, async () => {
    health.markDraining();
    if (!(await closeServer(server, intFromEnv(env, 'HTTP_DRAIN_MS', 5000)))) log.warn('requests still open after the drain period were cut');
    // A signal during startup: let the migrations finish rather than cut one off.
    if (await starting.then(() => true, () => false)) {
      // Consumers finish the messages they hold; the outbox relay and any worker stop after them.
      await service.stop();
    }
    await closeServer(metricsServer, 1000);
    await bus.close();
    await db.close();
    log.info('stopped');
  }, SHUTDOWN_DEADLINE_MS);
  await starting;
  health.markStarted();
  log.info({ port }, `${name} ready on http://localhost:${port}`);
}


async function openBus(name: string, env: NodeJS.ProcessEnv): Promise<EventBus> {
  if (!env.NATS_URL) return new MemoryBus();
  return JetStreamBus.connect({
    servers: env.NATS_URL,
    stream: env.NATS_STREAM || 'TICKETYBOO',
    subjectPrefix: env.NATS_SUBJECT_PREFIX || 'ticketyboo',
    replicas: intFromEnv(env, 'NATS_STREAM_REPLICAS', 1),
    connectionName: name,
  });
}
