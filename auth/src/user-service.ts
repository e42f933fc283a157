import { randomUUID } from 'node:crypto';
import {
  ConflictError,
  isUniqueViolation,
  NotAuthorizedError,
  type Database,
  type Outbox,
  type Tx,
} from '@ticketyboo/common';
import { hashPassword, verifyAgainstDecoy, verifyPassword } from './password';
import type { User } from './user';
import { EMAIL_UNIQUE, type UserRepository } from './user-repository';

const INVALID_CREDENTIALS = 'Invalid credentials';

export class EmailInUseError extends ConflictError {
  constructor() {
    super('Email in use');
  }
  override serialize() {
    return [{ message: this.message, field: 'email' }];
  }
}

export class UserService {
  constructor(
    private readonly db: Database,
    private readonly outbox: Outbox,
    private readonly users: UserRepository,
  ) {}

  async signup(email: string, password: string): Promise<User> {
    const passwordHash = await hashPassword(password);
    return this.withUniqueEmail(async (tx) => {
      const user = await this.users.insert(tx, { id: randomUUID(), email, passwordHash });
      await tx.publish('user.created', { id: user.id, email: user.email, version: user.version });
      return user;
    });
  }

  async signin(email: string, password: string): Promise<User> {
    const user = await this.users.findByEmail(this.db, email);
    const ok = user ? await verifyPassword(password, user.passwordHash) : await verifyAgainstDecoy(password);
    if (!user || !ok) throw new NotAuthorizedError(INVALID_CREDENTIALS);
    return user;
  }

  /** Changes email and/or password, after checking the current password. */
  async update(
    userId: string,
    change: { currentPassword: string; email?: string | undefined; password?: string | undefined },
  ): Promise<User> {
    const newHash = change.password === undefined ? undefined : await hashPassword(change.password);
    return this.withUniqueEmail(async (tx) => {
      const user = await this.users.findByIdForUpdate(tx, userId);
      // A session for a user that no longer exists is as good as none.
      if (!user) throw new NotAuthorizedError();
      if (!(await verifyPassword(change.currentPassword, user.passwordHash))) {
        throw new NotAuthorizedError(INVALID_CREDENTIALS);
      }
      const updated = await this.users.update(tx, userId, {
        email: change.email ?? user.email,
        passwordHash: newHash ?? user.passwordHash,
      });
      await tx.publish('user.updated', { id: updated.id, email: updated.email, version: updated.version });
      return updated;
    });
  }

  private async withUniqueEmail<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    try {
      return await this.outbox.transaction(fn);
    } catch (err) {
      if (isUniqueViolation(err, EMAIL_UNIQUE)) throw new EmailInUseError();
      throw err;
    }
  }
}
