import { migrate, Outbox, type Service, type ServiceDeps } from '@ticketyboo/common';
import { migrations } from './migrations';
import { authRoutes } from './routes';
import { UserRepository } from './user-repository';
import { UserService } from './user-service';

/** The auth service's composition root. */
export function createAuthService({ db, bus, log, tokens }: ServiceDeps): Service {
  const outbox = new Outbox(db, bus, log);
  const users = new UserService(db, outbox, new UserRepository());
  return {
    name: 'auth',
    mounts: [{ prefix: '/api/users', router: authRoutes(users, tokens) }],
    async start() {
      await migrate(db, migrations);
      outbox.start();
    },
    async stop() {
      await outbox.stop();
    },
  };
}
