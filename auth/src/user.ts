export interface User {
  id: string;
  email: string;
  passwordHash: string;
  version: number;
}

/** What the API shows of a user. */
export function publicUser(u: User): { id: string; email: string } {
  return { id: u.id, email: u.email };
}
