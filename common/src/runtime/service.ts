import type { EventBus } from '../bus/event-bus';
import type { Database } from '../db/database';
import type { Mount } from '../http/create-app';
import type { Logger } from '../log';
import type { SessionTokens } from '../session/session';
import type { ReadinessCheck } from './health';

/** What the runtime (one process, or one process per service) hands each service. */
export interface ServiceDeps {
  db: Database;
  bus: EventBus;
  log: Logger;
  tokens: SessionTokens;
  env: NodeJS.ProcessEnv;
}

/** A service as both runtimes see it: routes to mount, and a lifecycle. */
export interface Service {
  name: string;
  mounts: Mount[];
  /** Dependencies beyond its database and the bus that /readyz should ask (e.g. Redis). */
  readiness?: ReadinessCheck[];
  /** Migrates its database, starts its outbox relay and its consumers. */
  start(): Promise<void>;
  /** Stops consuming and relaying; the runtime closes the database and bus afterwards. */
  stop(): Promise<void>;
}

export type ServiceFactory = (deps: ServiceDeps) => Service;
