import type { Queryable } from '@ticketyboo/common';

export interface Bucket {
  hits: number;
  /** Seconds until the window ends and the bucket empties. */
  resetsInSeconds: number;
}

/**
 * Fixed-window counters in the auth database, so every auth replica counts the same attempts.
 * A bucket whose window has ended starts over on its next hit.
 */
export class ThrottleRepository {
  async hit(q: Queryable, bucket: string, windowSeconds: number): Promise<Bucket> {
    const { rows } = await q.query<{ hits: number; resets_in: number }>(
      `INSERT INTO throttle (bucket, hits, window_ends) VALUES ($1, 1, now() + make_interval(secs => $2))
       ON CONFLICT (bucket) DO UPDATE SET
         hits = CASE WHEN throttle.window_ends <= now() THEN 1 ELSE throttle.hits + 1 END,
         window_ends = CASE WHEN throttle.window_ends <= now() THEN EXCLUDED.window_ends ELSE throttle.window_ends END
       RETURNING hits, ceil(extract(epoch FROM window_ends - now()))::integer AS resets_in`,
      [bucket, windowSeconds],
    );
    return toBucket(rows[0]!);
  }

  async peek(q: Queryable, bucket: string): Promise<Bucket> {
    const { rows } = await q.query<{ hits: number; resets_in: number }>(
      `SELECT hits, ceil(extract(epoch FROM window_ends - now()))::integer AS resets_in
       FROM throttle WHERE bucket = $1 AND window_ends > now()`,
      [bucket],
    );
    return rows[0] ? toBucket(rows[0]) : { hits: 0, resetsInSeconds: 0 };
  }

  async clear(q: Queryable, bucket: string): Promise<void> {
    await q.query('DELETE FROM throttle WHERE bucket = $1', [bucket]);
  }

  async deleteExpired(q: Queryable): Promise<void> {
    await q.query('DELETE FROM throttle WHERE window_ends <= now()');
  }
}

function toBucket(r: { hits: number; resets_in: number }): Bucket {
  return { hits: r.hits, resetsInSeconds: Math.max(1, r.resets_in) };
}
