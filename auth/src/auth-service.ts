import { alwaysSecureCookies, defineService, migrate, Outbox, SessionCookies, type Service, type ServiceDeps } from '@ticketyboo/common';
import { authConfig, type AuthConfig } from './config';
import { AttemptLimiter } from './attempt-limiter';
import { migrations } from './migrations';
import { authRoutes } from './routes';
import { UserRepository } from './user-repository';
import { ThrottleRepository } from './throttle-repository';
import { UserService } from './user-service';

/** The auth service's composition root. */
export function createAuthService({ db, bus, log, tokens, config }: ServiceDeps<AuthConfig>): Service {
  const outbox = new Outbox(db, bus, log);
  const limiter = new AttemptLimiter(db, new ThrottleRepository(), {
    perIp: config.AUTH_ATTEMPTS_PER_IP,
    ipWindowSeconds: 600,
    failuresPerAccount: config.AUTH_FAILURES_PER_ACCOUNT,
    failureWindowSeconds: 900,
  });
  const users = new UserService(db, outbox, new UserRepository(), limiter);
  let sweeper: NodeJS.Timeout | undefined;
  return {
    name: 'auth',
    mounts: [{ prefix: '/api/users', router: authRoutes(users, new SessionCookies(tokens, { alwaysSecure: alwaysSecureCookies(config) })) }],
    async start() {
      await migrate(db, migrations);
      outbox.start();
      sweeper = setInterval(() => {
        limiter.sweep().catch((err: unknown) => log.warn({ err }, 'could not sweep expired rate-limit buckets'));
      }, 60_000).unref();
    },
    async stop() {
      clearInterval(sweeper);
      await outbox.stop();
    },
  };
}

export const authService = defineService({ name: 'auth', config: authConfig, create: createAuthService });
