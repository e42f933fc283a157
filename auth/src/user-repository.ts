import type { Queryable } from '@ticketyboo/common';
import type { User } from './user';

interface UserRow {
  [key: string]: unknown;
  id: string;
  email: string;
  password_hash: string;
  version: number;
}

const COLUMNS = 'id, email, password_hash, version';

function toUser(r: UserRow): User {
  return { id: r.id, email: r.email, passwordHash: r.password_hash, version: r.version };
}

export const EMAIL_UNIQUE = 'users_email_key';

export class UserRepository {
  async insert(q: Queryable, u: { id: string; email: string; passwordHash: string }): Promise<User> {
    const { rows } = await q.query<UserRow>(
      `INSERT INTO users (id, email, password_hash) VALUES ($1, $2, $3) RETURNING ${COLUMNS}`,
      [u.id, u.email, u.passwordHash],
    );
    return toUser(rows[0]!);
  }

  async findByEmail(q: Queryable, email: string): Promise<User | undefined> {
    const { rows } = await q.query<UserRow>(`SELECT ${COLUMNS} FROM users WHERE email = $1`, [email]);
    return rows[0] && toUser(rows[0]);
  }

  /** Locks the row for the rest of the transaction, so concurrent edits apply one after another. */
  async findByIdForUpdate(q: Queryable, id: string): Promise<User | undefined> {
    const { rows } = await q.query<UserRow>(`SELECT ${COLUMNS} FROM users WHERE id = $1 FOR UPDATE`, [id]);
    return rows[0] && toUser(rows[0]);
  }

  async update(q: Queryable, id: string, change: { email: string; passwordHash: string }): Promise<User> {
    const { rows } = await q.query<UserRow>(
      `UPDATE users SET email = $2, password_hash = $3, version = version + 1, updated_at = now()
       WHERE id = $1 RETURNING ${COLUMNS}`,
      [id, change.email, change.passwordHash],
    );
    return toUser(rows[0]!);
  }
}
