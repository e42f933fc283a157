import { JetStreamBus } from '../bus/jetstream-bus';
import { MemoryBus } from '../bus/memory-bus';
import type { EventBus } from '../bus/event-bus';
import { PgDatabase } from '../db/pg-database';
import { createHttpApp } from '../http/create-app';
import { DEFAULT_METRICS_PORT, serveMetrics } from '../observability/metrics-server';
import { sessionRevocations } from '../session/revocations';
import { configureLogs, createLogger } from '../log';
import { SessionTokens } from '../session/session';
import { ConfigError, parseConfig, runAloneConfig, type BaseConfig } from './config';
import { Health, type ReadinessCheck } from './health';
import { closeServer, listen, portOf } from './http-server';
import type { ServiceDefinition } from './service';
import { onShutdown, SHUTDOWN_DEADLINE_MS } from './shutdown';

/**
 * Runs one service alone, configured from the environment by its schema (DATABASE_URL and JWT_KEY
 * required; NATS_URL, else the in-process bus). A bad or missing variable: every one is named on
 * stderr, and the process exits 1.
 *
 * It listens before it migrates, so /healthz answers at once and /readyz says when the service
 * is ready; on SIGTERM it turns unready, drains HTTP, stops its consumers, and exits 0.
 */
export async function runService(definition: ServiceDefinition, env = process.env): Promise<void> {
  let config: BaseConfig & { JWT_KEY: string; DATABASE_URL: string };
  try {
    // The base schema's fields, which every service schema extends, and the two made required.
    config = parseConfig(runAloneConfig(definition.config), env) as typeof config;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(`${definition.name}: ${err.message}`);
    process.exit(1);
  }
  const { name } = definition;
  configureLogs({ level: config.LOG_LEVEL, format: config.LOG_FORMAT });
  const log = createLogger(name);
  const tokens = new SessionTokens(config.JWT_KEY);
  const db = new PgDatabase(config.DATABASE_URL, { max: config.DATABASE_POOL_MAX ?? 10 });
  const bus = await openBus(name, config);
  const service = definition.create({ db, bus, log, tokens, config });
  const checks: ReadinessCheck[] = [{ name: 'database', check: async () => void (await db.query('SELECT 1')) }];
  if (bus instanceof JetStreamBus) checks.push({ name: 'bus', check: () => bus.ping() });
  const health = new Health([...checks, ...(service.readiness ?? [])]);
  const app = createHttpApp({
    log,
    tokens,
    isRevoked: (sid) => sessionRevocations.isRevoked(db, sid),
    mounts: [{ prefix: '/', router: health.router() }, ...service.mounts],
    trustProxy: config.TRUST_PROXY,
    allowedOrigins: config.ALLOWED_ORIGINS,
    publicOrigins: config.PUBLIC_ORIGINS,
  });
  const server = await listen(app, config.PORT);
  const port = portOf(server);
  const metricsServer = await serveMetrics(config.METRICS_PORT ?? DEFAULT_METRICS_PORT);
  // Not a URL: launchers and tests take the first http://localhost URL logged for the service's.
  log.info({ metricsPort: portOf(metricsServer) }, `${name} metrics on port ${portOf(metricsServer)} (/metrics)`);
  // The URL is logged once ready, below: launchers and tests wait for that line.
  log.info({ port }, `${name} listening on port ${port}, starting`);
  const starting = service.start();
  onShutdown(log, async () => {
    health.markDraining();
    if (!(await closeServer(server, config.HTTP_DRAIN_MS))) log.warn('requests still open after the drain period were cut');
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

async function openBus(name: string, config: BaseConfig): Promise<EventBus> {
  if (!config.NATS_URL) return new MemoryBus();
  return JetStreamBus.connect({
    servers: config.NATS_URL,
    stream: config.NATS_STREAM,
    subjectPrefix: config.NATS_SUBJECT_PREFIX,
    replicas: config.NATS_STREAM_REPLICAS,
    connectionName: name,
  });
}
