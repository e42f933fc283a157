import { intFromEnv, migrate, Outbox, type Service, type ServiceDeps } from '@ticketyboo/common';
import { AttemptLimiter, type Sleep } from './attempt-limiter';
import { migrations } from './migrations';
import { authRoutes } from './routes';
import { SessionRepository } from './session-repository';
import { UserRepository } from './user-repository';
import { UserService } from './user-service';

/** The auth service's composition root; tests may hand it a sleep that does not wait. */
export function createAuthService({ db, bus, log, tokens, env }: ServiceDeps, opts: { sleep?: Sleep } = {}): Service {
  const outbox = new Outbox(db, bus, log);
  const limiter = new AttemptLimiter(
    db,
    {
      perIp: intFromEnv(env, 'AUTH_ATTEMPTS_PER_IP', 100),
      ipWindowSeconds: 600,
      failuresPerAccount: intFromEnv(env, 'AUTH_FAILURES_PER_ACCOUNT', 5),
      failureWindowSeconds: 900,
      slowdownAfter: intFromEnv(env, 'AUTH_SLOWDOWN_AFTER', 5),
      slowdownBaseMs: intFromEnv(env, 'AUTH_SLOWDOWN_BASE_MS', 1000),
      slowdownMaxMs: intFromEnv(env, 'AUTH_SLOWDOWN_MAX_MS', 15_000),
    },
    opts.sleep,
  );
  const sessions = new SessionRepository();
  const users = new UserService(db, outbox, new UserRepository(), sessions, tokens, limiter);
  let sweeper: NodeJS.Timeout | undefined;
  return {
    name: 'auth',
    mounts: [{ prefix: '/api/users', router: authRoutes(users, tokens) }],
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
