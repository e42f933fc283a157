import type { Queryable } from '../db/database';
import type { EventData } from '../events/contract';

/**
 * Sessions ended by signing out. Every service verifies session JWTs on its own, so auth
 * announces each revocation (`session.revoked`) and every service with an HTTP API keeps this
 * list in its own database; a row can go once the token would have expired anyway.
 */
export const sessionRevocations = {
  async revoke(q: Queryable, s: EventData<'session.revoked'>): Promise<void> {
    await q.query('INSERT INTO revoked_sessions (sid, expires_at) VALUES ($1, $2) ON CONFLICT DO NOTHING', [s.sid, s.expiresAt]);
    await q.query('DELETE FROM revoked_sessions WHERE expires_at < now()');
  },

  async isRevoked(q: Queryable, sid: string): Promise<boolean> {
    const { rowCount } = await q.query('SELECT 1 FROM revoked_sessions WHERE sid = $1', [sid]);
    return rowCount > 0;
  },
};
