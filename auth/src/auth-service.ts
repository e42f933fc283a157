import { intFromEnv, migrate, Outbox, type Service, type ServiceDeps } from '@ticketyboo/common';
import { AttemptLimiter } from './attempt-limiter';
import { migrations } from './migrations';
import { authRoutes } from './routes';
import { UserRepository } from './user-repository';
import { ThrottleRepository } from './throttle-repository';
import { UserService } from './user-service';

/** The auth service's composition root. */
export function createAuthService({ db, bus, log, tokens, env }: ServiceDeps): Service {
  const outbox = new Outbox(db, bus, log);
  const limiter = new AttemptLimiter(db, new ThrottleRepository(), {
    perIp: intFromEnv(env, 'AUTH_ATTEMPTS_PER_IP', 100),
    ipWindowSeconds: 600,
    failuresPerAccount: intFromEnv(env, 'AUTH_FAILURES_PER_ACCOUNT', 5),
    failureWindowSeconds: 900,
  });
  const users = new UserService(db, outbox, new UserRepository(), limiter);
  let sweeper: NodeJS.Timeout | undefined;
  return {
    name: 'auth',
    mounts: [{ prefix: '/api/users', router: authRoutes(users, tokens) }],
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
