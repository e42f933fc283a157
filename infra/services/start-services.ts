import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { closeServer, configureLogs, createLogger, listen, onShutdown, portOf, SHUTDOWN_DEADLINE_MS, type Logger } from '@ticketyboo/common';
import { loadJwtKey } from '../local/jwt-key';
import { landingPage } from './landing-page';
import { launchConfigFromEnv, type LaunchConfig } from './config';
import { ensureDatabase } from './databases';
import { createGateway, type Route } from './gateway';
import { parseReplicas, type ReplicaCounts } from './replicas';
import type { ReplicaSpec } from './replica';
import { Supervisor } from './supervisor';
import { BACKEND_SERVICES, CLIENT, type BackendService } from './topology';

const ROOT = resolve(__dirname, '../..');
const STARTUP_TIMEOUT_MS = 90_000;
// The children get the launcher's deadline less a margin, so the launcher still exits in time.
const CHILD_GRACE_MS = SHUTDOWN_DEADLINE_MS - 500;

/**
 * `npm run start:services`: the production topology on one machine. Each service runs as its own
 * OS process (or several, `--replicas orders=2`) on its own database of the PostgreSQL server,
 * NATS JetStream and Redis; a gateway on PORT routes paths as the ingress does.
 */
async function main(): Promise<void> {
  const config = launchConfigFromEnv(process.env);
  configureLogs({ level: config.settings.LOG_LEVEL, format: config.settings.LOG_FORMAT });
  const log = createLogger('start-services');
  const replicas = parseReplicas(process.argv.slice(2));
  const jwtKey = await loadJwtKey(config.settings, config.dataDir);
  for (const { name } of BACKEND_SERVICES) {
    if (await ensureDatabase(config.databaseUrls[name])) log.info(`created database for ${name}`);
  }

  const supervisor = new Supervisor(log);
  const clientBuilt = existsSync(join(ROOT, 'client/.next/BUILD_ID'));
  const routes: Route[] = BACKEND_SERVICES.flatMap((s) => (s.prefix ? [{ prefix: s.prefix, upstream: s.name }] : []));
  routes.push({ prefix: CLIENT.prefix, upstream: CLIENT.name });
  const gateway = createGateway({ routes, targets: (name) => supervisor.targets(name), fallback: landingPage, log });
  // The gateway listens first: the client renders server-side through it.
  const server = await listen(gateway, config.port);
  const gatewayUrl = `http://127.0.0.1:${portOf(server)}`;

  onShutdown(log, async () => {
    const [drained, clean] = await Promise.all([closeServer(server, CHILD_GRACE_MS), supervisor.stopAll(CHILD_GRACE_MS)]);
    if (!drained) log.warn('gateway requests still open at the deadline were cut');
    if (!clean) throw new Error('a process did not stop cleanly');
  }, SHUTDOWN_DEADLINE_MS);

  try {
    for (const service of BACKEND_SERVICES) {
      for (let i = 1; i <= replicas[service.name]; i++) await supervisor.add(serviceSpec(service, i, config, jwtKey));
    }
    if (clientBuilt) {
      for (let i = 1; i <= replicas.client; i++) await supervisor.add(clientSpec(i, gatewayUrl));
    } else {
      log.info('client/.next has no build: the client is skipped (npm run build -w @ticketyboo/client to include it)');
    }
    await supervisor.waitUntilReady(STARTUP_TIMEOUT_MS);
  } catch (err) {
    // The children are in process groups of their own: nothing else would stop them.
    await supervisor.stopAll(CHILD_GRACE_MS);
    throw err;
  }
  logTopology(log, replicas, clientBuilt);
  log.info({ url: `http://localhost:${portOf(server)}` }, `Ticketyboo services are running at http://localhost:${portOf(server)}`);
}

function serviceSpec(service: BackendService, index: number, config: LaunchConfig, jwtKey: string): ReplicaSpec {
  return {
    name: service.name,
    index,
    // Node itself runs the entry with tsx's loader: one OS process per replica, no wrapper.
    command: process.execPath,
    args: [...config.settings.SERVICE_NODE_ARGS.split(' ').filter(Boolean), '--import', 'tsx', service.entry],
    cwd: ROOT,
    env: (port) => ({
      ...process.env,
      PORT: String(port),
      // Replicas side by side cannot share one metrics port: each takes a free one and logs it.
      METRICS_PORT: '0',
      DATABASE_URL: config.databaseUrls[service.name],
      NATS_URL: config.natsUrl,
      NATS_STREAM: config.natsStream,
      NATS_SUBJECT_PREFIX: config.natsSubjectPrefix,
      REDIS_URL: config.redisUrl,
      JWT_KEY: jwtKey,
      // The gateway, on this machine, is the one proxy hop in front of each service.
      TRUST_PROXY: 'loopback',
    }),
    cleanExitCodes: [0],
    ready: { path: '/readyz', expect: 'ok' },
  };
}

function clientSpec(index: number, apiBaseUrl: string): ReplicaSpec {
  return {
    name: CLIENT.name,
    index,
    // What `npm run start -w @ticketyboo/client` runs (`next start` in client/, honouring PORT and
    // API_BASE_URL), without npm and sh in between: they would not pass SIGTERM on to Next.
    command: process.execPath,
    args: [join(ROOT, 'node_modules/next/dist/bin/next'), 'start'],
    cwd: join(ROOT, 'client'),
    env: (port) => ({ ...process.env, PORT: String(port), API_BASE_URL: apiBaseUrl }),
    // Next exits 128 + 15 once it has closed gracefully on SIGTERM, by convention.
    cleanExitCodes: [0, 143],
    ready: { path: '/', expect: 'any' },
  };
}

function logTopology(log: Logger, replicas: ReplicaCounts, clientBuilt: boolean): void {
  const parts = Object.entries(replicas)
    .filter(([name]) => clientBuilt || name !== CLIENT.name)
    .map(([name, n]) => (n > 1 ? `${name}×${n}` : name));
  log.info(`processes: ${parts.join(', ')}`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
