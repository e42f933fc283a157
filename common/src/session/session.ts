import jwt from 'jsonwebtoken';
import { z } from 'zod';

export interface SessionUser {
  id: string;
  email: string;
}

export const SESSION_COOKIE = 'session';

const claims = z.object({ id: z.uuid(), email: z.string() });

/** Signs and verifies the session JWT; one key shared by every service (JWT_KEY). */
export class SessionTokens {
  constructor(
    private readonly key: string,
    readonly ttlSeconds: number = 7 * 24 * 3600,
  ) {
    if (key.length < 32) throw new Error('JWT_KEY must be at least 32 characters');
  }

  sign(user: SessionUser): string {
    return jwt.sign({ id: user.id, email: user.email }, this.key, {
      algorithm: 'HS256',
      expiresIn: this.ttlSeconds,
    });
  }

  /** The user of a valid, unexpired token; null for anything else. */
  verify(token: string): SessionUser | null {
    try {
      const payload = jwt.verify(token, this.key, { algorithms: ['HS256'] });
      const parsed = claims.safeParse(payload);
      return parsed.success ? parsed.data : null;
    } catch {
      return null;
    }
  }
}
