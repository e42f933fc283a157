import express from 'express';
import { z } from 'zod';

/**
 * Configuration is read once, at start, from the environment into a typed object: each service
 * declares its variables as one zod schema that extends `baseConfig`; nothing else reads
 * `process.env`. The keys are the variables' names, so the schema is also the list of what a
 * deployment may set (the Kubernetes manifest test reads it).
 */

const POSITIVE_INT = 'must be a positive integer';

/** A whole number > 0, from its decimal text. */
export const positiveInt = (): z.ZodCoercedNumber =>
  z.coerce.number({ error: POSITIVE_INT }).int({ error: POSITIVE_INT }).positive({ error: POSITIVE_INT });

const PORT = 'must be a port number (0-65535; 0: any free port)';
export const port = (): z.ZodCoercedNumber =>
  z.coerce.number({ error: PORT }).int({ error: PORT }).min(0, { error: PORT }).max(65535, { error: PORT });

// Environment values are strings: the only other input is a missing variable.
export const urlVar = (example: string) =>
  z.string({ error: 'must be set' }).refine((v) => URL.canParse(v), { error: `must be a URL, e.g. ${example}` });
const POSTGRES_EXAMPLE = 'postgres://user@host:5432/db';
const jwtKey = z.string({ error: 'must be set' }).min(32, { error: 'must be at least 32 characters' });

export const booleanFlag = () =>
  z.enum(['true', 'false', '1', '0'], { error: 'must be true or false' }).transform((v) => v === 'true' || v === '1');

/** Comma-separated values, trimmed, empty ones dropped. */
const csv = z.string().transform((v) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);

/** What Express's `trust proxy` takes: false (none), a hop count, or addresses and names of subnets. */
export type TrustProxy = boolean | number | string;

const trustProxy = z
  .string()
  .transform((v): TrustProxy => (v === 'false' || v === 'none' ? false : v === 'true' ? true : /^\d+$/.test(v) ? Number(v) : v))
  // Express compiles the list at once, and throws on an address it cannot parse.
  .refine((v) => canTrust(v), { error: 'must be false, a number of hops, or addresses/subnets (e.g. loopback, 10.0.0.0/8)' });

function canTrust(value: TrustProxy): boolean {
  try {
    express().set('trust proxy', value);
    return true;
  } catch {
    return false;
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** The variables every service shares, with their defaults (the launchers use these too). */
export const baseConfig = z.object({
  NODE_ENV: z.string().default('development'),
  PORT: port().default(3000),
  /** HMAC key for session JWTs; a service run alone must be given it (see runAloneConfig). */
  JWT_KEY: jwtKey.optional(),
  /** The service's PostgreSQL database; a service run alone must be given it. */
  DATABASE_URL: urlVar(POSTGRES_EXAMPLE).optional(),
  /** NATS with JetStream; unset: the in-process bus (one process only). */
  NATS_URL: z.string().min(1).optional(),
  NATS_STREAM: z.string().default('TICKETYBOO'),
  NATS_SUBJECT_PREFIX: z.string().default('ticketyboo'),
  NATS_STREAM_REPLICAS: positiveInt().default(1),
  /** On SIGTERM, how long requests in flight may take before their connections are cut. */
  HTTP_DRAIN_MS: positiveInt().default(5000),
  /** Where Prometheus scrapes /metrics, a port of its own that no gateway or ingress routes; unset: 9464 for a service run alone, none under `npm start`. */
  METRICS_PORT: port().optional(),
  /** Connections each process keeps to its database at most; unset: 10 per service (3 under `npm start`). */
  DATABASE_POOL_MAX: positiveInt().optional(),
  /** The proxy hops in front of the service: none unless it runs behind the gateway or an ingress. */
  TRUST_PROXY: trustProxy.default(false),
  ALLOWED_ORIGINS: csv.default([]),
  /** The site's own origins (e.g. https://ticketyboo.dev); set, an API request for another Host is refused. */
  PUBLIC_ORIGINS: csv.refine((list) => list.every((o) => URL.canParse(o)), { error: 'must be comma-separated origins, e.g. https://ticketyboo.dev' }).default([]),
  LOG_LEVEL: z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info'),
  /** Unset: pretty on a terminal, JSON otherwise. */
  LOG_FORMAT: z.enum(['pretty', 'json'], { error: 'must be pretty or json' }).optional(),
  /** Session cookies Secure even over plain http; unset: when NODE_ENV=production (as read at start). */
  COOKIE_SECURE: booleanFlag().optional(),
});

export type BaseConfig = z.infer<typeof baseConfig>;

/** The parsed configuration a schema describes. */
export type ConfigOf<S extends z.ZodType> = z.infer<S>;

/** A service's schema: `baseConfig.extend({...})`. */
export type ConfigSchema = z.ZodObject & z.ZodType<BaseConfig, Record<string, unknown>>;

/** A service run alone (`<service>/src/main.ts`) has no launcher to give it a key or a database. */
export function runAloneConfig<S extends ConfigSchema>(schema: S) {
  // safeExtend: a schema may carry refinements across its variables (payments' Stripe keys).
  return schema.safeExtend({ JWT_KEY: jwtKey, DATABASE_URL: urlVar(POSTGRES_EXAMPLE) });
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Parses the environment against a schema. An empty variable counts as unset (manifests and
 * shells often write `NAME=`). Throws a ConfigError naming every bad or missing variable.
 */
export function parseConfig<S extends z.ZodType>(schema: S, env: Record<string, string | undefined>): z.infer<S> {
  const given = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = schema.safeParse(given);
  if (result.success) return result.data;
  const lines = result.error.issues.map((i) => {
    const name = String(i.path[0] ?? '(environment)');
    const value = given[name];
    return `  ${name}: ${i.message}${value === undefined ? '' : ` (got "${value}")`}`;
  });
  throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
}

/** Secure session cookies regardless of the request: decided once, from the configuration. */
export const alwaysSecureCookies = (config: Pick<BaseConfig, 'COOKIE_SECURE' | 'NODE_ENV'>): boolean =>
  config.COOKIE_SECURE ?? config.NODE_ENV === 'production';
