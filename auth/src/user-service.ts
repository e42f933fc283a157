import { randomUUID } from 'node:crypto';
import {
  ConflictError,
  isUniqueViolation,
  NotAuthorizedError,
  sessionRevocations,
  type Database,
  type IssuedSession,
  type Session,
  type SessionTokens,
  type Outbox,
  type Queryable,
  type Tx,
} from '@ticketyboo/common';
import type { AttemptLimiter } from './attempt-limiter';
import { hashPassword, verifyAgainstDecoy, verifyPassword } from './password';
import type { EndedSession, SessionRepository } from './session-repository';
import type { User } from './user';
import { EMAIL_UNIQUE, type UserRepository } from './user-repository';

const INVALID_CREDENTIALS = 'Invalid credentials';

/** Ends a session here at once, and in every other service through `session.revoked`. */
async function revoke(tx: Tx, ended: EndedSession): Promise<void> {
  await sessionRevocations.revoke(tx, ended);
  await tx.publish('session.revoked', ended);
}

export class EmailInUseError extends ConflictError {
  constructor() {
    super('Email in use');
  }
  override serialize() {
    return [{ message: this.message, field: 'email' }];
  }
}

/** A user with the token of the session just started for them. */
export interface SignedIn {
  user: User;
  token: string;
}

export class UserService {
  constructor(
    private readonly db: Database,
    private readonly outbox: Outbox,
    private readonly users: UserRepository,
    private readonly sessions: SessionRepository,
    private readonly tokens: SessionTokens,
    private readonly limiter: AttemptLimiter,
  ) {}

  async signup(email: string, password: string, ip: string): Promise<SignedIn> {
    await this.limiter.attempt(ip);
    const passwordHash = await hashPassword(password);
    return this.withUniqueEmail(async (tx) => {
      const user = await this.users.insert(tx, { id: randomUUID(), email, passwordHash });
      await tx.publish('user.created', { id: user.id, email: user.email, version: user.version });
      const { token } = await this.startSession(tx, user);
      return { user, token };
    });
  }

  async signin(email: string, password: string, ip: string): Promise<SignedIn> {
    // Counted before the hash is checked, so parallel guesses cannot outrun the count.
    // Unknown emails count too, or the 429 would tell which emails have accounts.
    await this.limiter.attempt(ip, email);
    const user = await this.users.findByEmail(this.db, email);
    const ok = user ? await verifyPassword(password, user.passwordHash) : await verifyAgainstDecoy(password);
    if (!user || !ok) throw new NotAuthorizedError(INVALID_CREDENTIALS);
    await this.limiter.succeeded(ip, email);
    const { token } = await this.startSession(this.db, user);
    return { user, token };
  }

  signout(session: Session): Promise<void> {
    return this.outbox.transaction(async (tx) => {
      await this.sessions.delete(tx, session.sid);
      await revoke(tx, { sid: session.sid, userId: session.user.id, expiresAt: session.expiresAt.toISOString() });
    });
  }

  /** Changes email and/or password, after checking the current password. */
  async update(
    userId: string,
    change: { currentPassword: string; email?: string | undefined; password?: string | undefined },
    ip: string,
  ): Promise<SignedIn> {
    // A stolen session must not become a way to guess the current password.
    await this.limiter.attempt(ip, `user:${userId}`);
    const newHash = change.password === undefined ? undefined : await hashPassword(change.password);
    const changed = await this.changeUser(userId, change, newHash);
    await this.limiter.succeeded(ip, `user:${userId}`);
    return changed;
  }

  /**
   * Whoever knew the old password (or owned the old email) may hold a session: every session of
   * the user but the fresh one handed back ends, in the change's own transaction.
   */
  private changeUser(
    userId: string,
    change: { currentPassword: string; email?: string | undefined },
    newHash: string | undefined,
  ): Promise<SignedIn> {
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
      const fresh = await this.startSession(tx, updated);
      for (const ended of await this.sessions.deleteOthers(tx, userId, fresh.session.sid)) await revoke(tx, ended);
      return { user: updated, token: fresh.token };
    });
  }

  private async startSession(q: Queryable, user: User): Promise<IssuedSession> {
    const issued = this.tokens.issue(user);
    await this.sessions.insert(q, issued.session);
    return issued;
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
