import type { Queryable, Session } from '@ticketyboo/common';

/** A session that was ended, as `session.revoked` announces it. */
export interface EndedSession {
  sid: string;
  userId: string;
  expiresAt: string;
}

/** The live sessions auth issued, by user: what a password or email change has to end. */
export class SessionRepository {
  async insert(q: Queryable, s: Session): Promise<void> {
    await q.query('INSERT INTO sessions (sid, user_id, expires_at) VALUES ($1, $2, $3)', [s.sid, s.user.id, s.expiresAt]);
  }

  async delete(q: Queryable, sid: string): Promise<void> {
    await q.query('DELETE FROM sessions WHERE sid = $1', [sid]);
  }

  /** Removes and returns the user's unexpired sessions other than `keep`. */
  async deleteOthers(q: Queryable, userId: string, keep: string): Promise<EndedSession[]> {
    const { rows } = await q.query<{ sid: string; expires_at: Date }>(
      `WITH ended AS (DELETE FROM sessions WHERE user_id = $1 AND sid <> $2 RETURNING sid, expires_at)
       SELECT sid, expires_at FROM ended WHERE expires_at > now()`,
      [userId, keep],
    );
    return rows.map((r) => ({ sid: r.sid, userId, expiresAt: new Date(r.expires_at).toISOString() }));
  }

  async deleteExpired(q: Queryable): Promise<void> {
    await q.query('DELETE FROM sessions WHERE expires_at <= now()');
  }
}
