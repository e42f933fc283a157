import { randomUUID } from 'node:crypto';
import {
  ConflictError,
  isUniqueViolation,
  NotAuthorizedError,
  sessionRevocations,
  type Database,
  type Session,
  type Outbox,
  type Tx,
} from '@ticketyboo/common';
import type { AttemptLimiter } from './attempt-limiter';
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

class WrongPasswordError extends NotAuthorizedError {
  constructor() {
    super(INVALID_CREDENTIALS);
  }
}

export class UserService {
  constructor(
    private readonly db: Database,
    private readonly outbox: Outbox,
    private readonly users: UserRepository,
    private readonly limiter: AttemptLimiter,
  ) {}

  async signup(email: string, password: string, ip: string): Promise<User> {
    await this.limiter.attempt(ip);
    const passwordHash = await hashPassword(password);
    return this.withUniqueEmail(async (tx) => {
      const user = await this.users.insert(tx, { id: randomUUID(), email, passwordHash });
      await tx.publish('user.created', { id: user.id, email: user.email, version: user.version });
      return user;
    });
  }

  async signin(email: string, password: string, ip: string): Promise<User> {
    await this.limiter.attempt(ip, email);
    const user = await this.users.findByEmail(this.db, email);
    const ok = user ? await verifyPassword(password, user.passwordHash) : await verifyAgainstDecoy(password);
    if (!user || !ok) {
      // Unknown emails count too, or the 429 would tell which emails have accounts.
      await this.limiter.failed(ip, email);
      throw new NotAuthorizedError(INVALID_CREDENTIALS);
    }
    await this.limiter.succeeded(ip, email);
    return user;
  }

  signout(session: Session): Promise<void> {
    return this.outbox.transaction(async (tx) => {
      const revoked = { sid: session.sid, userId: session.user.id, expiresAt: session.expiresAt.toISOString() };
      await sessionRevocations.revoke(tx, revoked);
      await tx.publish('session.revoked', revoked);
    });
  }

  /** Changes email and/or password, after checking the current password. */
  async update(
    userId: string,
    change: { currentPassword: string; email?: string | undefined; password?: string | undefined },
    ip: string,
  ): Promise<User> {
    // A stolen session must not become a way to guess the current password.
    await this.limiter.attempt(ip, `user:${userId}`);
    const newHash = change.password === undefined ? undefined : await hashPassword(change.password);
    try {
      return await this.changeUser(userId, change, newHash);
    } catch (err) {
      if (err instanceof WrongPasswordError) await this.limiter.failed(ip, `user:${userId}`);
      throw err;
    }
  }

  private changeUser(
    userId: string,
    change: { currentPassword: string; email?: string | undefined },
    newHash: string | undefined,
  ): Promise<User> {
    return this.withUniqueEmail(async (tx) => {
      const user = await this.users.findByIdForUpdate(tx, userId);
      // A session for a user that no longer exists is as good as none.
      if (!user) throw new NotAuthorizedError();
      if (!(await verifyPassword(change.currentPassword, user.passwordHash))) {
        throw new WrongPasswordError();
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
