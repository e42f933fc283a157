import { createSecretKey, randomUUID, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { z } from 'zod';

export interface SessionUser {
  id: string;
  email: string;
}

/** A verified session: who, and which sign-in (so that signing out can end exactly that one). */
export interface Session {
  user: SessionUser;
  sid: string;
  expiresAt: Date;
}

export const SESSION_COOKIE = 'session';

/** A freshly signed session token, with the session it stands for (auth records it, to revoke it later). */
export interface IssuedSession {
  token: string;
  session: Session;
}

const claims = z.object({ id: z.uuid(), email: z.string(), jti: z.uuid().optional(), exp: z.number() });

/** Signs and verifies the session JWT; one key shared by every service (JWT_KEY). */
export class SessionTokens {
  // Given a string, jsonwebtoken first tries to parse it as a PEM public key on every call, which
  // was a tenth of the orders service's CPU under load (npm run bench --profile); a KeyObject skips that.
  private readonly key: KeyObject;

  constructor(
    key: string,
    readonly ttlSeconds: number = 7 * 24 * 3600,
  ) {
    if (key.length < 32) throw new Error('JWT_KEY must be at least 32 characters');
    this.key = createSecretKey(Buffer.from(key));
  }

  sign(user: SessionUser): string {
    return this.issue(user).token;
  }

  issue(user: SessionUser): IssuedSession {
    const sid = randomUUID();
    const exp = Math.floor(Date.now() / 1000) + this.ttlSeconds;
    const token = jwt.sign({ id: user.id, email: user.email, exp }, this.key, { algorithm: 'HS256', jwtid: sid });
    return { token, session: { user: { id: user.id, email: user.email }, sid, expiresAt: new Date(exp * 1000) } };
  }

  /** The session of a valid, unexpired token; null for anything else. Revocation is checked elsewhere. */
  verify(token: string): Session | null {
    try {
      const payload = jwt.verify(token, this.key, { algorithms: ['HS256'] });
      const parsed = claims.safeParse(payload);
      if (!parsed.success || !parsed.data.jti) return null;
      const { id, email, jti, exp } = parsed.data;
      return { user: { id, email }, sid: jti, expiresAt: new Date(exp * 1000) };
    } catch {
      return null;
    }
  }
}
