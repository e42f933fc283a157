import { alwaysSecureCookies, defineService, migrate, Outbox, SessionCookies, type Service, type ServiceDeps } from '@ticketyboo/common';
import { authConfig, type AuthConfig } from './config';
import { AttemptLimiter, type Sleep } from './attempt-limiter';
import { migrations } from './migrations';
import { authRoutes } from './routes';
import { SessionRepository } from './session-repository';
import { UserRepository } from './user-repository';
import { UserService } from './user-service';

/** The auth service's composition root; tests may hand it a sleep that does not wait. */
export function createAuthService({ db, bus, log, tokens, config }: ServiceDeps<AuthConfig>, opts: { sleep?: Sleep } = {}): Service {
  const outbox = new Outbox(db, bus, log);
  const limiter = new AttemptLimiter(
    db,
    {
      perIp: config.AUTH_ATTEMPTS_PER_IP,
      ipWindowSeconds: 600,
      failuresPerAccount: config.AUTH_FAILURES_PER_ACCOUNT,
      failureWindowSeconds: 900,
      slowdownAfter: config.AUTH_SLOWDOWN_AFTER,
      slowdownBaseMs: config.AUTH_SLOWDOWN_BASE_MS,
      slowdownMaxMs: config.AUTH_SLOWDOWN_MAX_MS,
    },
    opts.sleep,
  );
  const sessions = new SessionRepository();
  const users = new UserService(db, outbox, new UserRepository(), sessions, tokens, limiter);
  let sweeper: NodeJS.Timeout | undefined;
  return {
    name: 'auth',
    mounts: [{ prefix: '/api/users', router: authRoutes(users, new SessionCookies(tokens, { alwaysSecure: alwaysSecureCookies(config) })) }],
    async start() {
      await migrate(db, migrations);
      outbox.start();
      sweeper = setInterval(() => {
        Promise.all([limiter.sweep(), sessions.deleteExpired(db)]).catch((err: unknown) =>
          log.warn({ err }, 'could not sweep expired rate-limit buckets and sessions'),
        );
      }, 60_000).unref();
    },
    async stop() {
      clearInterval(sweeper);
      await outbox.stop();
    },
  };
}

export const authService = defineService({ name: 'auth', config: authConfig, create: createAuthService });
