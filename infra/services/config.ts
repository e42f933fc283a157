import { resolve } from 'node:path';
import { portFromEnv } from '@ticketyboo/common';
import { BACKEND_SERVICES, type BackendService } from './topology';

export interface LaunchConfig {
  /** The gateway's port. */
  port: number;
  /** Per service, its own database on the PostgreSQL server (created on first start). */
  databaseUrls: Record<BackendService['name'], string>;
  natsUrl: string;
  natsStream: string;
  natsSubjectPrefix: string;
  redisUrl: string;
  /** Where the generated JWT key is kept when JWT_KEY is not set. */
  dataDir: string;
}

/**
 * The topology's configuration from the environment; every default is the standard local port.
 * A service's database is `<DATABASE_PREFIX>_<service>` on POSTGRES_URL's server, unless
 * `<SERVICE>_DATABASE_URL` names another.
 */
export function launchConfigFromEnv(env: NodeJS.ProcessEnv): LaunchConfig {
  return {
    port: portFromEnv(env, 3000),
    databaseUrls: serviceDatabaseUrls(env.POSTGRES_URL || 'postgres://postgres@127.0.0.1:5432/postgres', env),
    natsUrl: env.NATS_URL || 'nats://127.0.0.1:4222',
    natsStream: env.NATS_STREAM || 'TICKETYBOO',
    natsSubjectPrefix: env.NATS_SUBJECT_PREFIX || 'ticketyboo',
    redisUrl: env.REDIS_URL || 'redis://127.0.0.1:6379',
    dataDir: resolve(env.DATA_DIR || '.data'),
  };
}

/** Each service's database on `server`: `<DATABASE_PREFIX>_<service>`, or `<SERVICE>_DATABASE_URL`. */
export function serviceDatabaseUrls(server: string, env: NodeJS.ProcessEnv): LaunchConfig['databaseUrls'] {
  const prefix = env.DATABASE_PREFIX || 'ticketyboo';
  if (!/^[a-z_][a-z0-9_]*$/.test(prefix)) throw new Error(`DATABASE_PREFIX must be a lower-case SQL identifier, got "${prefix}"`);
  return Object.fromEntries(
    BACKEND_SERVICES.map(({ name }) => {
      const url = new URL(server);
      url.pathname = `/${prefix}_${name}`;
      return [name, env[`${name.toUpperCase()}_DATABASE_URL`] || url.toString()];
    }),
  ) as LaunchConfig['databaseUrls'];
}
