import type { z } from 'zod';
import type { EventBus } from '../bus/event-bus';
import type { Database } from '../db/database';
import type { Mount } from '../http/create-app';
import type { Logger } from '../log';
import type { SessionTokens } from '../session/session';
import type { BaseConfig, ConfigSchema } from './config';
import type { ReadinessCheck } from './health';

/** What the runtime (one process, or one process per service) hands each service. */
export interface ServiceDeps<C extends BaseConfig = BaseConfig> {
  db: Database;
  bus: EventBus;
  log: Logger;
  tokens: SessionTokens;
  /** The service's configuration, parsed from the environment once, at start. */
  config: C;
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

export type ServiceFactory<C extends BaseConfig = BaseConfig> = (deps: ServiceDeps<C>) => Service;

/** A service declared in one place: its name, the environment it reads, and how to build it. */
export interface ServiceDefinition<S extends ConfigSchema = ConfigSchema> {
  name: string;
  config: S;
  // A method, so a definition with its own schema is still a ServiceDefinition for the launchers.
  create(deps: ServiceDeps<z.infer<S>>): Service;
}

export function defineService<S extends ConfigSchema>(definition: ServiceDefinition<S>): ServiceDefinition<S> {
  return definition;
}
