import { resolve } from 'node:path';
import { z } from 'zod';
import { parseConfig, urlVar } from '@ticketyboo/common';
import { launcherConfig, type LauncherConfig } from '../local/config';
import { BACKEND_SERVICES, type BackendService } from './topology';

/** `npm run start:services`' environment: the services' shared variables, with the standard local servers. */
export const launchConfigSchema = launcherConfig.extend({
  POSTGRES_URL: urlVar('postgres://postgres@127.0.0.1:5432/postgres').default('postgres://postgres@127.0.0.1:5432/postgres'),
  NATS_URL: z.string().default('nats://127.0.0.1:4222'),
  REDIS_URL: urlVar('redis://127.0.0.1:6379').default('redis://127.0.0.1:6379'),
  /** Flags for each service's node (e.g. `--cpu-prof`, which NODE_OPTIONS refuses). */
  SERVICE_NODE_ARGS: z.string().default(''),
  ...Object.fromEntries(BACKEND_SERVICES.map(({ name }) => [databaseUrlVar(name), urlVar('postgres://…').optional()])),
});

export type LaunchSettings = z.infer<typeof launchConfigSchema>;

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
  settings: LaunchSettings;
}

function databaseUrlVar(service: string): string {
  return `${service.toUpperCase()}_DATABASE_URL`;
}

/**
 * The topology's configuration from the environment; every default is the standard local port.
 * A service's database is `<DATABASE_PREFIX>_<service>` on POSTGRES_URL's server, unless
 * `<SERVICE>_DATABASE_URL` names another.
 */
export function launchConfigFromEnv(env: Record<string, string | undefined>): LaunchConfig {
  const settings = parseConfig(launchConfigSchema, env);
  return {
    port: settings.PORT,
    databaseUrls: serviceDatabaseUrls(settings.POSTGRES_URL, settings),
    natsUrl: settings.NATS_URL,
    natsStream: settings.NATS_STREAM,
    natsSubjectPrefix: settings.NATS_SUBJECT_PREFIX,
    redisUrl: settings.REDIS_URL,
    dataDir: resolve(settings.DATA_DIR),
    settings,
  };
}

/** Each service's database on `server`: `<DATABASE_PREFIX>_<service>`, unless `<SERVICE>_DATABASE_URL` names another. */
export function serviceDatabaseUrls(server: string, settings: Pick<LauncherConfig, 'DATABASE_PREFIX'>): LaunchConfig['databaseUrls'] {
  return Object.fromEntries(
    BACKEND_SERVICES.map(({ name }) => {
      const url = new URL(server);
      url.pathname = `/${settings.DATABASE_PREFIX}_${name}`;
      return [name, (settings as Record<string, unknown>)[databaseUrlVar(name)] ?? url.toString()];
    }),
  ) as LaunchConfig['databaseUrls'];
}
