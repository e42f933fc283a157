import { randomBytes, randomUUID } from 'node:crypto';
import type { Express } from 'express';
import type { EventBus } from '../bus/event-bus';
import { subscribe } from '../bus/subscribe';
import type { Database } from '../db/database';
import type { EventData, EventEnvelope, EventSubject } from '../events/contract';
import { createHttpApp } from '../http/create-app';
import { sessionRevocations } from '../session/revocations';
import { createLogger } from '../log';
import { parseConfig, type ConfigSchema } from '../runtime/config';
import type { Service, ServiceDefinition } from '../runtime/service';
import { SessionTokens } from '../session/session';
import { freshBus, freshPostgres, type BusKind } from './test-infra';

export interface ServiceHarness {
  app: Express;
  service: Service;
  db: Database;
  bus: EventBus;
  tokens: SessionTokens;
  jwtKey: string;
  /** Collects every event published on `subject` from now on (and before: durables start at the beginning). */
  events<S extends EventSubject>(subject: S): Promise<EventEnvelope<S>[]>;
  dispose(): Promise<void>;
}

export const testJwtKey = (): string => randomBytes(32).toString('hex');

/**
 * Starts a service on a fresh PostgreSQL database and a bus of the given kind, with its HTTP app, configured
 * by its schema from `env` alone (defaults for the rest, whatever the test process's environment).
 */
export async function startService<S extends ConfigSchema>(
  definition: ServiceDefinition<S>,
  kinds: { bus: BusKind },
  env: Record<string, string | undefined> = {},
): Promise<ServiceHarness> {
  const config = parseConfig(definition.config, env);
  const d = await freshPostgres();
  const b = await freshBus(kinds.bus);
  const log = createLogger('test');
  const jwtKey = testJwtKey();
  const tokens = new SessionTokens(jwtKey);
  const service = definition.create({ db: d.value, bus: b.value, log, tokens, config });
  await service.start();
  const app = createHttpApp({
    log,
    tokens,
    isRevoked: (sid) => sessionRevocations.isRevoked(d.value, sid),
    mounts: service.mounts,
    trustProxy: config.TRUST_PROXY,
    allowedOrigins: config.ALLOWED_ORIGINS,
    publicOrigins: config.PUBLIC_ORIGINS,
  });
  let collectors = 0;
  return {
    app,
    service,
    db: d.value,
    bus: b.value,
    tokens,
    jwtKey,
    async events<S extends EventSubject>(subject: S) {
      const seen: EventEnvelope<S>[] = [];
      await subscribe(b.value, log, {
        durable: `test-collector-${++collectors}`,
        subject,
        handler: async (e) => void seen.push(e),
      });
      return seen;
    },
    async dispose() {
      await service.stop();
      await b.dispose();
      await d.dispose();
    },
  };
}

/** Publishes an event the way another service's outbox relay would. */
export async function publishEvent<S extends EventSubject>(
  bus: EventBus,
  subject: S,
  data: EventData<S>,
  id: string = randomUUID(),
): Promise<string> {
  const envelope: EventEnvelope<S> = { id, subject, occurredAt: new Date().toISOString(), data };
  await bus.publish(subject, randomUUID(), JSON.stringify(envelope));
  return id;
}

/** A signed-in user's cookie, minted with the service's key (auth is another service). */
export function sessionCookieFor(tokens: SessionTokens, user: { id: string; email: string }): string {
  return `session=${tokens.sign(user)}`;
}

/** A signed-in user as another service's tests see one: an id, an email and a session cookie. */
export interface TestUser {
  id: string;
  email: string;
  cookie: string;
}

export function newUser(h: Pick<ServiceHarness, 'tokens'>): TestUser {
  const user = { id: randomUUID(), email: `u-${randomUUID().slice(0, 8)}@example.com` };
  return { ...user, cookie: sessionCookieFor(h.tokens, user) };
}
